import { expect } from 'chai';
import { buildTestApp } from './helpers/app';
import { testEmulator } from './helpers/emulator';
import { callbackPath, startHostedUiSignIn } from './helpers/hosted-ui';
import { createConfirmedUser } from './helpers/users';

describe('logs', () => {
  it('never contain the code, the state, tokens, the client secret or the password, even on failures', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();

    const journey = await startHostedUiSignIn(agent, user);
    const callback = journey.callbackUrl as URL;
    await agent.get(callbackPath(callback)).expect(303);
    await agent.get(callbackPath(callback)); // replay: a logged refusal
    const complete = await agent.get('/complete').expect(200);
    const tokens = [...complete.text.matchAll(/<code>(eyJ[^<]+)<\/code>/g)].map((m) => m[1] as string);
    expect(tokens.length).to.be.at.least(2);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(complete.text)?.[1] as string;
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);

    const logs = t.logs.join('');
    expect(logs).to.contain('/auth/callback');
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
});
