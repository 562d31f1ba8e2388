import { expect } from 'chai';
import { buildTestApp } from '../helpers/app';
import { testEmulator } from '../helpers/emulator';
import { callbackPath, startHostedUiSignIn } from '../helpers/hosted-ui';
import { codeFromEmulator, newEmail, submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

describe('logs', () => {
  it('never contain the code, the state, tokens, the client secret or the password, even on failures', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();

    const journey = await startHostedUiSignIn(agent, user);
    const callback = journey.callbackUrl as URL;
    await agent.get(callbackPath(callback)).expect(303);
    const replay = await agent.get(callbackPath(callback)); // a logged refusal
    expect(replay.status, 'the replayed callback is refused').to.be.within(400, 499);
    const complete = await agent.get('/complete').expect(200);
    const tokens = [...complete.text.matchAll(/<code>(eyJ[^<]+)<\/code>/g)].map((m) => m[1] as string);
    expect(tokens.length).to.be.at.least(2);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(complete.text)?.[1] as string;
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);

    const logs = t.logs.join('');
    expect(logs).to.contain('/callback');
    const secrets = [
      callback.searchParams.get('code') as string,
      callback.searchParams.get('state') as string,
      testEmulator().ids.clientSecret as string,
      user.password,
      csrf,
      ...tokens,
    ];
    for (const secret of secrets) expect(logs).to.not.contain(secret);
  });

  it('never contain passwords or codes from the custom pages, on success or failure', async () => {
    const t = buildTestApp();
    const agent = t.agent();
    const email = newEmail('logs');
    const password = 'L0gs-Secret-Passw0rd!';
    const newPassword = 'L0gs-N3w-Passw0rd!';
    // Each step must have done what it stands for, or the logs would hold nothing worth checking.
    const step = async (what: string, status: number, sent: Promise<{ status: number }>) => {
      expect((await sent).status, what).to.equal(status);
    };
    await step('sign-up', 303, submit(agent, '/signup', '/signup', { email, password, passwordConfirm: password }));
    const code = codeFromEmulator(email);
    await step('a wrong confirmation code', 400, submit(agent, '/signup/confirm', '/signup/confirm', { email, code: '999999999' }));
    await step('confirmation', 303, submit(agent, '/signup/confirm', '/signup/confirm', { email, code }));
    await step('a wrong password', 401, submit(agent, '/login', '/login', { email, password: 'Wr0ng-L0gs-Passw0rd!' }));
    await step('sign-in', 303, submit(agent, '/login', '/login', { email, password }));
    await step(
      'password change',
      303,
      submit(agent, '/password/change', '/password/change', { currentPassword: password, password: newPassword, passwordConfirm: newPassword }),
    );
    await step('forgotten password', 303, submit(t.agent(), '/password/forgot', '/password/forgot', { email }));
    const resetCode = codeFromEmulator(email);
    await step(
      'password reset',
      303,
      submit(t.agent(), '/password/reset', '/password/reset', { email, code: resetCode, password, passwordConfirm: password }),
    );

    const logs = t.logs.join('');
    expect(logs).to.contain('/password/reset');
    for (const secret of [password, newPassword, 'Wr0ng-L0gs-Passw0rd!', code, resetCode, '999999999']) {
      expect(logs).to.not.contain(secret);
    }
  });
});
