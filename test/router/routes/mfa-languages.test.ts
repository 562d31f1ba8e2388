import { expect } from 'chai';
import { buildTestApp } from '../../helpers/app';
import { csrfOf, submit } from '../../helpers/forms';
import { signInWithPassword, totpCodeFor, userWithTotp, withOptionalTotpPool, wrongTotpCodeFor } from '../../helpers/totp';
import { createConfirmedUser } from '../../helpers/users';

describe('the two-step pages in Japanese and English (against cognito-local)', () => {
  withOptionalTotpPool();

  it('renders every two-step page in Japanese and English, with no untranslated keys', async () => {
    const t = buildTestApp();
    const user = await userWithTotp(t);
    const fresh = await createConfirmedUser();
    for (const [locale, sample] of [
      ['ja', '2段階認証'],
      ['en', 'Two-step sign-in'],
    ] as const) {
      const check = (html: string, path: string) => {
        expect(html, path).to.contain(`<html lang="${locale}">`);
        expect(html.replace(/<[^>]+>/g, ' '), path).to.not.match(/\b(mfa|error|notice|form|field)\.[a-zA-Z_.]+\b/);
      };
      const withTotp = t.agent();
      await signInWithPassword(withTotp, user, '/login/mfa');
      check((await withTotp.get('/login/mfa').set('Accept-Language', locale).expect(200)).text, '/login/mfa');
      await submit(withTotp, '/login/mfa', '/login/mfa', { code: totpCodeFor(user.secret) });
      check((await withTotp.get('/mfa/disable').set('Accept-Language', locale).expect(200)).text, '/mfa/disable');
      const without = t.agent();
      await signInWithPassword(without, fresh, '/profile');
      const profile = (await without.get('/profile').set('Accept-Language', locale).expect(200)).text;
      check(profile, '/profile');
      expect(profile).to.contain(sample);
      check((await without.get('/mfa/setup').set('Accept-Language', locale).expect(200)).text, '/mfa/setup');
      await submit(without, '/mfa/setup', '/mfa/setup', { currentPassword: fresh.password });
      check((await without.get('/mfa/setup').set('Accept-Language', locale).expect(200)).text, '/mfa/setup with a key');
    }
  });

  it('shows the code page and a wrong code in Japanese', async () => {
    const t = buildTestApp();
    const user = await userWithTotp(t);
    const agent = t.agent();
    await agent.get('/?lang=ja');
    await signInWithPassword(agent, user, '/login/mfa');
    const page = await agent.get('/login/mfa').expect(200);
    expect(page.text).to.contain('<html lang="ja">');
    expect(page.text).to.contain('認証アプリのコード');
    const wrong = await agent
      .post('/login/mfa')
      .type('form')
      .send({ code: wrongTotpCodeFor(user.secret), _csrf: csrfOf(page.text) });
    expect(wrong.text).to.contain('コードが正しくないか、すでに使用されています');
  });
});
