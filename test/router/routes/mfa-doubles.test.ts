import { createHmac } from 'node:crypto';
import { AdminInitiateAuthCommand, type AdminInitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { buildTestApp, resolveCognitoSettings } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { csrfOf, submit } from '../../helpers/forms';
import { secretOnPage, switchOnTotp, totpCodeFor, withOptionalTotpPool } from '../../helpers/totp';
import { createConfirmedUser } from '../../helpers/users';

/** An app whose Cognito client is the double (everything else, the verifier included, is real). */
function appWithDouble(answer?: (c: SentCommand) => Promise<unknown> | undefined) {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, answer);
  const base = buildTestApp();
  const settings = resolveCognitoSettings(base.config, ids, emulator.url);
  return { t: buildTestApp({ cognito: { settings, client: double.client } }), sent: double.sent };
}

/** Cognito's SECRET_HASH, computed here independently of the app. */
function expectedSecretHash(username: string): string {
  const { ids } = testEmulator();
  return createHmac('sha256', ids.clientSecret as string)
    .update(username + ids.clientId)
    .digest('base64');
}

/** An error as the SDK throws it for a Cognito exception. */
function cognitoException(name: string): Error {
  return Object.assign(new Error(`${name} from the double`), { name, $metadata: { httpStatusCode: 400 } });
}

describe('two-step sign-in where the emulator cannot answer (double at the Cognito client boundary)', () => {
  withOptionalTotpPool();

  it("sends the SECRET_HASH on AdminInitiateAuth, and answers the code challenge as the challenge's USER_ID_FOR_SRP with the hash over it (double records the calls: the emulator checks SECRET_HASH only for choice-based sign-in)", async () => {
    const { client: real } = testEmulator();
    const challenges: AdminInitiateAuthCommandOutput[] = [];
    const { t, sent } = appWithDouble((c) => {
      if (c.name !== 'AdminInitiateAuthCommand') return undefined;
      return real.send(new AdminInitiateAuthCommand(c.input as never)).then((out) => {
        challenges.push(out);
        return out;
      });
    });
    const user = await createConfirmedUser();
    const setup = t.agent();
    await submit(setup, '/login', '/login', { email: user.email, password: user.password });
    const secret = await switchOnTotp(setup, user.password);

    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).headers.location).to.equal('/login/mfa');
    expect((await submit(agent, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) })).headers.location).to.equal('/profile');
    expect(
      (await submit(agent, '/mfa/disable', '/mfa/disable', { currentPassword: user.password, code: totpCodeFor(secret) })).headers.location,
    ).to.equal('/profile');

    const signIns = sent.filter((c) => c.name === 'AdminInitiateAuthCommand');
    // Two sign-ins and two re-authentications (before switching on, and before switching off).
    expect(signIns).to.have.length(4);
    for (const c of signIns) {
      const params = c.input.AuthParameters as Record<string, string>;
      expect(c.input.AuthFlow).to.equal('ADMIN_USER_PASSWORD_AUTH');
      expect(params.SECRET_HASH, params.USERNAME).to.equal(expectedSecretHash(params.USERNAME as string));
    }
    const idForSrp = challenges.find((o) => o.ChallengeName === 'SOFTWARE_TOKEN_MFA')?.ChallengeParameters?.USER_ID_FOR_SRP as string;
    expect(idForSrp, 'the internal username, not the address').to.be.a('string').and.not.equal(user.email);
    const answers = sent.filter((c) => c.name === 'AdminRespondToAuthChallengeCommand');
    expect(answers, 'the sign-in code and the switch-off code').to.have.length(2);
    for (const answer of answers) {
      const responses = answer.input.ChallengeResponses as Record<string, string>;
      expect(answer.input.ChallengeName).to.equal('SOFTWARE_TOKEN_MFA');
      expect(responses.USERNAME).to.equal(idForSrp);
      expect(responses.SECRET_HASH).to.equal(expectedSecretHash(idForSrp));
    }
  });

  it("shows Cognito's EnableSoftwareTokenMFAException for a wrong first code as a wrong code (double: the emulator, as cognito-local, answers CodeMismatch)", async () => {
    const { t } = appWithDouble((c) =>
      c.name === 'VerifySoftwareTokenCommand' ? Promise.reject(cognitoException('EnableSoftwareTokenMFAException')) : undefined,
    );
    const user = await createConfirmedUser();
    const agent = t.agent();
    await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    await submit(agent, '/mfa/setup', '/mfa/setup', { currentPassword: user.password });
    const page = await agent.get('/mfa/setup').expect(200);
    const res = await agent
      .post('/mfa/setup/confirm')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ code: totpCodeFor(secretOnPage(page.text)), _csrf: csrfOf(page.text) });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('That code is not right');
  });

  it('tells a person on a pool with MFA required who has no authenticator yet (MFA_SETUP) where to set it up (double: the emulator never raises MFA_SETUP)', async () => {
    const { t } = appWithDouble((c) =>
      c.name === 'AdminInitiateAuthCommand'
        ? Promise.resolve({ ChallengeName: 'MFA_SETUP', Session: 'setup-session', ChallengeParameters: {} })
        : undefined,
    );
    const user = await createConfirmedUser();
    const agent = t.agent();
    await agent.get('/?lang=ja');
    const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('2段階認証の設定が必要です');
    expect(res.text).to.contain(`value="${user.email}"`);
    await agent.get('/profile').expect(303);
  });
});
