import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import { createTranslator, languageSwitchHref, type MessageKey } from '../../../src/i18n';
import { en } from '../../../src/i18n/en';
import { ja } from '../../../src/i18n/ja';
import { buildTestApp } from '../../helpers/app';
import { TEST_APP_BASE_URL } from '../../helpers/emulator';
import { submit } from '../../helpers/forms';
import { createConfirmedUser } from '../../helpers/users';

const SIGNED_OUT_PAGES = ['/', '/signup', '/signup/confirm', '/login', '/password/forgot', '/password/reset', '/dev/mailbox', '/no-such-page'];
const SIGNED_IN_PAGES = ['/profile', '/password/change', '/complete', '/email/verify', '/email/change', '/mfa/setup'];

/** Text of a page with tags removed: what a person reads. */
function visibleText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ');
}

const ORIGIN = new URL(TEST_APP_BASE_URL).origin;

/** GET with the path sent byte for byte (supertest would normalise `/\\` and dot segments first). */
async function rawGet(app: http.RequestListener, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await new Promise((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      http
        .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

/** The language switch links of a page, as the browser reads their href. */
function languageLinks(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)" lang="(?:ja|en)" hreflang=/g)].map((m) =>
    (m[1] as string).replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

describe('languages', () => {
  it('has the same message keys in Japanese and English, none empty', () => {
    expect(Object.keys(ja).sort()).to.deep.equal(Object.keys(en).sort());
    for (const [key, value] of Object.entries(ja)) expect(value, key).to.not.equal('');
  });

  for (const [locale, sample] of [
    ['ja', 'サインイン'],
    ['en', 'Sign in'],
  ] as const) {
    it(`renders every page in ${locale}, with lang="${locale}" and no untranslated keys`, async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      const check = async (path: string) => {
        const res = await agent.get(path).set('Accept-Language', locale);
        expect(res.status, path).to.be.oneOf([200, 404]);
        expect(res.text, path).to.contain(`<html lang="${locale}">`);
        expect(visibleText(res.text), path).to.not.match(
          /\b(nav|start|form|field|policy|signup|confirm|login|forgot|reset|change|profile|mailbox|notice|error|complete|email|mfa|oauth)\.[a-zA-Z_]+\b/,
        );
        expect(res.text, path).to.not.contain('undefined');
        return res.text;
      };
      for (const path of SIGNED_OUT_PAGES) await check(path);
      expect(await check('/login')).to.contain(sample);
      await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      await agent.get('/complete'); // /complete needs tokens from either sign-in path
      for (const path of SIGNED_IN_PAGES) await check(path);
    });
  }

  it('follows Accept-Language, switches with ?lang= on any page, and keeps the choice in a cookie', async () => {
    const agent = buildTestApp().agent();
    expect((await agent.get('/login').set('Accept-Language', 'ja')).text).to.contain('<html lang="ja">');
    const switched = await agent.get('/login?lang=en').set('Accept-Language', 'ja');
    expect(switched.text).to.contain('<html lang="en">');
    expect((switched.headers['set-cookie'] as unknown as string[]).join()).to.match(/lang=en;.*HttpOnly/);
    expect((await agent.get('/signup').set('Accept-Language', 'ja')).text).to.contain('<html lang="en">');
    expect((await agent.get('/signup')).text).to.contain('href="/signup?lang=ja"');
  });

  it('shows Cognito errors in the chosen language', async () => {
    const user = await createConfirmedUser();
    const agent = buildTestApp().agent();
    await agent.get('/?lang=ja');
    const res = await submit(agent, '/login', '/login', { email: user.email, password: 'Wr0ng-Password!' });
    expect(res.text).to.contain('メールアドレスまたはパスワードが正しくありません');
  });

  it('keeps the language switch on the origin on the 404 page and every other page, whatever the path', async () => {
    const t = buildTestApp();
    const paths = [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      '//evil.example/%2e%2e',
      '/%2e//evil.example',
      '/..//evil.example',
      '/.//evil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/signup/..//evil.example',
    ];
    for (const path of paths) {
      for (const locale of ['en', 'ja']) {
        const res = await rawGet(t.app, path, { 'Accept-Language': locale });
        expect(res.status, path).to.be.oneOf([200, 303, 404]);
        if (res.status === 303) continue;
        const links = languageLinks(res.text);
        expect(links, `${path} (${locale})`).to.have.length(1);
        const target = new URL(links[0] as string, `${ORIGIN}${path}`);
        expect(target.origin, `${path} › ${links[0]}`).to.equal(ORIGIN);
        expect(target.pathname, `${path} › ${links[0]}`).to.match(/^\/(?!\/)/);
      }
    }
  });

  it('builds the language switch link on the origin for any request path (property)', () => {
    const piece = fc.constantFrom('/', '//', '\\', '.', '..', '%2e', '%2f', '%5c', 'evil.example', 'login', 'hosted', 'callback', 'a', '?', '#', '%');
    const path = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((p) => `/${p.join('')}`),
      fc.webPath(),
      fc.string(),
    );
    fc.assert(
      fc.property(path, fc.constantFrom<'ja' | 'en'>('ja', 'en'), (requestPath, locale) => {
        // Plain booleans, not chai: this runs thousands of times. fast-check reports the failing input.
        const href = languageSwitchHref(requestPath, locale);
        const target = new URL(href, `${ORIGIN}/page`);
        return (
          target.origin === ORIGIN &&
          /^\/(?![/\\])/.test(href) &&
          target.searchParams.get('lang') === locale &&
          !/^\/(login\/hosted|callback)(\/|$)/i.test(target.pathname)
        );
      }),
      { numRuns: 2000 },
    );
    expect(languageSwitchHref('/signup', 'ja')).to.equal('/signup?lang=ja');
    expect(languageSwitchHref('//evil.example', 'ja')).to.equal('/?lang=ja');
    expect(languageSwitchHref('/callback', 'en')).to.equal('/?lang=en');
  });

  it('translates any key without throwing: Object.prototype names and unknown keys fall back, placeholders take only given values', () => {
    const t = createTranslator('ja');
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'no.such.key']) {
      expect(t(key as MessageKey), key).to.equal(key);
    }
    expect(t(undefined as unknown as MessageKey)).to.equal('');
    expect(t('form.errorSummary', {})).to.contain('{count}');
    expect(t('form.errorSummary', { count: 2 })).to.contain('2');
  });
});
