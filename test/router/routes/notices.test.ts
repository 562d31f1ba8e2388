import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { submit } from '../../helpers/forms';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

/** The one-shot notice a page shows, if any. */
const noticeOf = (html: string) => /<p class="notice" role="status">([^<]*)<\/p>/.exec(html)?.[1];

/** How many times `text` appears in `html`. */
const occurrences = (html: string, text: string) => html.split(text).length - 1;

async function signedInAgent(t: TestApp, lang = 'en'): Promise<Agent> {
  const user = await createConfirmedUser();
  const agent = t.agent();
  await agent.get(`/?lang=${lang}`).expect(200);
  const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
  expect(res.status, 'signed in').to.equal(303);
  return agent;
}

describe('notices', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  describe('POST /logout', () => {
    it('says "You have signed out" on the start page it leads to', async () => {
      const agent = await signedInAgent(t);
      const out = await submit(agent, '/profile', '/logout', {});
      expect(out.status).to.equal(303);
      expect(out.headers.location).to.equal('/?notice=signed_out');
      const start = await agent.get(out.headers.location as string).expect(200);
      expect(noticeOf(start.text)).to.equal('You have signed out.');
      expect(start.text).to.not.contain('Signed in as');
    });

    it('says it in Japanese to a Japanese reader', async () => {
      const agent = await signedInAgent(t, 'ja');
      const out = await submit(agent, '/profile', '/logout', {});
      const start = await agent.get(out.headers.location as string).expect(200);
      expect(noticeOf(start.text)).to.equal('サインアウトしました。');
    });
  });

  describe('a guarded page, signed out', () => {
    it('sends the person to sign in with "Please sign in to continue", and back afterwards', async () => {
      const agent = t.agent();
      const guarded = await agent.get('/password/change').expect(303);
      const signIn = await agent
        .get(guarded.headers.location as string)
        .set('Accept-Language', 'en')
        .expect(200);
      expect(noticeOf(signIn.text)).to.equal('Please sign in to continue.');
      expect(signIn.text).to.contain('action="/login?returnTo=%2Fpassword%2Fchange"');

      const ja = await t
        .agent()
        .get(guarded.headers.location as string)
        .set('Accept-Language', 'ja')
        .expect(200);
      expect(noticeOf(ja.text)).to.equal('続けるにはサインインしてください。');
      const direct = await t.agent().get('/login').set('Accept-Language', 'en').expect(200);
      expect(noticeOf(direct.text), 'no notice on a sign-in page visited directly').to.equal(undefined);
    });
  });

  describe('POST /password/change', () => {
    const change = async (agent: Agent, fields: Record<string, string>) => {
      const res = await submit(agent, '/password/change', '/password/change', fields);
      expect(res.status).to.equal(400);
      return res.text;
    };

    it('says a password that misses the policy once, beside the field, with the unmet rules marked', async () => {
      const page = await change(await signedInAgent(t), { currentPassword: TEST_PASSWORD, password: 'short', passwordConfirm: 'short' });
      expect(occurrences(page, 'The password does not meet the requirements.')).to.equal(1);
      expect(page).to.contain('id="f-password-error" class="field-error">The password does not meet the requirements.');
      expect(page).to.match(/data-rule="length" class="unmet"/);
      expect(page).to.contain('Please check the form: there is one problem.');
    });

    it('says two different new passwords once', async () => {
      const page = await change(await signedInAgent(t), {
        currentPassword: TEST_PASSWORD,
        password: 'N3w-Passw0rd!',
        passwordConfirm: 'N3w-Passw0rd!x',
      });
      expect(occurrences(page, 'The two passwords are not the same.')).to.equal(1);
      expect(page).to.contain('<a href="#f-passwordConfirm">New password again</a>');
    });

    it('counts several problems with the right plural, in English and Japanese', async () => {
      const empty = { currentPassword: '', password: '', passwordConfirm: '' };
      const en = await change(await signedInAgent(t), empty);
      expect(en).to.contain('Please check the form: there are 3 problems.');
      expect(en).to.not.contain('problem(s)');
      expect(occurrences(en, ' is required.')).to.equal(3);
      expect(en).to.contain('Current password is required.');

      const ja = await change(await signedInAgent(t, 'ja'), empty);
      expect(ja).to.contain('入力内容を確認してください（3件の問題があります）。');
      expect(occurrences(ja, 'を入力してください。')).to.equal(3);
      expect(ja).to.contain('「現在のパスワード」を入力してください。');
    });
  });
});
