import { expect } from 'chai';
import { en } from '../../src/i18n/en';
import { ja } from '../../src/i18n/ja';

/**
 * The house style of the Japanese catalogue (the glossary the strings follow). Each rule lists the
 * messages that break it, so a failure names the keys to fix.
 */
const JAPANESE = '\\u3040-\\u30ff\\u3400-\\u9fff';
const FULL_WIDTH_PUNCTUATION = '、。（）「」：？！';
/** Placeholders that hold a name or an address: spaced like a Latin word. Numbers take no space. */
const NUMBER_PLACEHOLDERS = new Set(['{count}', '{min}', '{max}', '{minutes}', '{seconds}']);

function breaking(rule: (text: string) => boolean): string[] {
  return Object.entries(ja)
    .filter(([, text]) => rule(text))
    .map(([key, text]) => `${key}: ${text}`);
}

const has = (pattern: RegExp) => (text: string) => pattern.test(text);

describe('the Japanese catalogue', () => {
  it('calls two-step sign-in 2段階認証, one term everywhere', () => {
    expect(breaking(has(/段階サインイン|二段階|2\s+段階|２段階|2ステップ|多要素/))).to.deep.equal([]);
    const english = Object.entries(en)
      .filter(([, text]) => /two-step sign-in/i.test(text))
      .map(([key]) => key);
    expect(english.filter((key) => !ja[key as keyof typeof ja].includes('2段階認証'))).to.deep.equal([]);
  });

  it('writes numbers and their units together (8文字以上, 6桁, 3件)', () => {
    const spaced = new RegExp(`(\\d|${[...NUMBER_PLACEHOLDERS].map((p) => p.replace(/[{}]/g, '\\$&')).join('|')}) +[${JAPANESE}]`);
    expect(breaking(has(spaced))).to.deep.equal([]);
  });

  it('puts a half-width space between Japanese and a Latin word or a name placeholder, and none beside full-width punctuation', () => {
    const latinThenJapanese = new RegExp(`[A-Za-z][${JAPANESE}]|[${JAPANESE}][A-Za-z]`);
    const nameTouchingJapanese = (text: string) =>
      [...text.matchAll(/\{\w+\}/g)].some((m) => {
        if (NUMBER_PLACEHOLDERS.has(m[0])) return false;
        const before = text[(m.index ?? 0) - 1] ?? '';
        const after = text[(m.index ?? 0) + m[0].length] ?? '';
        return new RegExp(`[${JAPANESE}]`).test(before + after);
      });
    expect(breaking((text) => latinThenJapanese.test(text) || nameTouchingJapanese(text))).to.deep.equal([]);
    expect(breaking(has(new RegExp(` [${FULL_WIDTH_PUNCTUATION}]|[${FULL_WIDTH_PUNCTUATION}] `)))).to.deep.equal([]);
  });

  it('uses full-width punctuation and brackets in Japanese text', () => {
    const japanese = new RegExp(`[${JAPANESE}]`);
    expect(breaking((text) => japanese.test(text) && /[()]/.test(text))).to.deep.equal([]);
    expect(breaking(has(new RegExp(`[${JAPANESE}][?!:;,.]`)))).to.deep.equal([]);
  });

  it('has no leading, trailing or doubled spaces, and no full-width spaces', () => {
    expect(breaking(has(/^\s|\s$| {2}|\u3000/))).to.deep.equal([]);
  });

  it('says 確認済み / 未確認 for a verification status, never はい / いいえ', () => {
    expect(breaking(has(/^(はい|いいえ)$|「(はい|いいえ)」/))).to.deep.equal([]);
  });

  it('spells the words of the glossary one way (すでに, ほか, サインイン, アカウント作成)', () => {
    expect(breaking(has(/既に|他の|下さい|出来|ログイン|サインアップ|新規登録/))).to.deep.equal([]);
  });

  it('uses only the placeholders the English message is given, and drops none of them', () => {
    const placeholders = (text: string | undefined) => new Set(text?.match(/\{\w+\}/g) ?? []);
    const english = en as Record<string, string>;
    const differing = Object.entries(ja).filter(([key, text]) => {
      const given = new Set([...placeholders(english[key]), ...placeholders(english[key.replace(/\.one$/, '')])]);
      const used = placeholders(text);
      return [...used].some((p) => !given.has(p)) || [...placeholders(english[key])].some((p) => !used.has(p));
    });
    expect(differing.map(([key]) => key)).to.deep.equal([]);
  });
});
