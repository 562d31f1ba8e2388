import { expect } from 'chai';
import { loadConfig } from '../../../src/app/config';
import { ja } from '../../../src/i18n/ja';
import { buildTestApp } from '../../helpers/app';
import { submit } from '../../helpers/forms';
import { createConfirmedUser } from '../../helpers/users';

const brandOf = (html: string) => /<span class="brand-name">([^<]*)<\/span>/.exec(html)?.[1];
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe('page layout', () => {
  describe('the app name (APP_NAME)', () => {
    it("shows the catalogue's name in each language when APP_NAME is not set", async () => {
      const t = buildTestApp();
      const en = await t.agent().get('/login').set('Accept-Language', 'en').expect(200);
      expect(brandOf(en.text)).to.equal('Cognito sign-in reference');
      expect(titleOf(en.text)).to.equal('Sign in · Cognito sign-in reference');
      const jaPage = await t.agent().get('/login').set('Accept-Language', 'ja').expect(200);
      expect(brandOf(jaPage.text)).to.equal('Cognito サインイン リファレンス');
    });

    it('shows APP_NAME, escaped, in the header and the title of every page, error pages included', async () => {
      const t = buildTestApp({ env: { APP_NAME: 'Shop <Accounts>' } });
      for (const path of ['/', '/login', '/signup', '/no-such-page']) {
        const res = await t.agent().get(path).set('Accept-Language', 'ja');
        expect(brandOf(res.text), path).to.equal('Shop &lt;Accounts&gt;');
        expect(titleOf(res.text), path).to.match(/ · Shop &lt;Accounts&gt;$/);
      }
      const user = await createConfirmedUser();
      const agent = t.agent();
      await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      expect(brandOf((await agent.get('/profile').expect(200)).text)).to.equal('Shop &lt;Accounts&gt;');
    });

    it('treats an empty APP_NAME as unset and refuses one longer than 60 characters', () => {
      expect(loadConfig({ APP_NAME: '' }).appName).to.equal(undefined);
      expect(loadConfig({ APP_NAME: '  Acme ID  ' }).appName).to.equal('Acme ID');
      expect(() => loadConfig({ APP_NAME: 'x'.repeat(61) })).to.throw(/APP_NAME/);
    });
  });

  describe('the signed-in header', () => {
    it('puts the account (who, profile, sign-out) in one menu of the header', async () => {
      const t = buildTestApp();
      const user = await createConfirmedUser();
      const agent = t.agent();
      await submit(agent, '/login', '/login', { email: user.email, password: user.password });
      const page = (await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text;
      const menu = /<details class="user-menu">([\s\S]*?)<\/details>/.exec(page)?.[1] ?? '';
      expect(menu).to.contain(`Signed in as ${user.email}`);
      expect(menu).to.contain('href="/profile"');
      expect(menu).to.contain('action="/logout"');
    });
  });

  it('says サインイン in Japanese, never ログイン', () => {
    const login = Object.entries(ja).filter(([, text]) => text.includes('ログイン'));
    expect(login).to.deep.equal([]);
  });
});
