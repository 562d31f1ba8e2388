import { expect } from 'chai';
import { en } from '../../src/i18n/en';
import { ja } from '../../src/i18n/ja';
import { buildTestApp } from '../helpers/app';
import { submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

const SIGNED_OUT_PAGES = ['/', '/signup', '/signup/confirm', '/login', '/password/forgot', '/password/reset', '/dev/mailbox', '/no-such-page'];
const SIGNED_IN_PAGES = ['/profile', '/password/change', '/complete'];

/** Text of a page with tags removed: what a person reads. */
function visibleText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ');
}

describe('languages', () => {
  it('has the same message keys in Japanese and English, none empty', () => {
    expect(Object.keys(ja).sort()).to.deep.equal(Object.keys(en).sort());
    for (const [key, value] of Object.entries(ja)) expect(value, key).to.not.equal('');
  });

  for (const [locale, sample] of [['ja', 'サインイン'], ['en', 'Sign in']] as const) {
    it(`renders every page in ${locale}, with lang="${locale}" and no untranslated keys`, async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      const check = async (path: string) => {
        const res = await agent.get(path).set('Accept-Language', locale);
        expect(res.status, path).to.be.oneOf([200, 404]);
        expect(res.text, path).to.contain(`<html lang="${locale}">`);
        expect(visibleText(res.text), path).to.not.match(/\b(nav|start|form|field|policy|signup|confirm|login|forgot|reset|change|profile|mailbox|notice|error|complete)\.[a-zA-Z_]+\b/);
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
});
