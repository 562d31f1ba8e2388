import {
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUpdateUserAttributesCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createEmulatorMailbox } from '../../../src/cognito/mailbox';
import { computeSecretHash } from '../../../src/cognito/secret-hash';
import { totpCode } from '../../../src/testing';
import { testEmulator } from '../../helpers/emulator';
import { advanceClock, createTestClient, createUser, emulator, PASSWORD, refusal, resetClockAfterEach, signIn, turnOnTotp } from './fixtures';
import { answer, createUserAuthClient, createVerifiedUser, signInCodeFor, startUserAuth } from './passwordless-fixtures';

describe('InitiateAuth USER_AUTH: choosing the first factor (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createUserAuthClient();
  });
  resetClockAfterEach();

  it('offers the password and an e-mailed code to a user with a verified address and no passkey', async () => {
    const user = await createVerifiedUser(clientId);
    const res = await startUserAuth(clientId, user.email);
    expect(res.ChallengeName).to.equal('SELECT_CHALLENGE');
    expect(res.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
    expect(res.Session).to.be.a('string');
    expect(res.AuthenticationResult).to.equal(undefined);
  });

  it('offers no e-mailed code while the address is not verified', async () => {
    const user = await createUser(clientId);
    const res = await startUserAuth(clientId, user.email);
    expect(res.AvailableChallenges).to.deep.equal(['PASSWORD']);
  });

  it('falls back to the choice when the preferred challenge is not available (a passkey the user does not have)', async () => {
    const user = await createVerifiedUser(clientId);
    const res = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(res.ChallengeName).to.equal('SELECT_CHALLENGE');
    expect(res.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
  });

  it('refuses a preferred challenge that is no challenge at all', async () => {
    const user = await createVerifiedUser(clientId);
    const refused = await refusal(startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'CARRIER_PIGEON' }));
    expect(refused.name).to.equal('InvalidParameterException');
  });

  it('signs in with the password given with PREFERRED_CHALLENGE=PASSWORD, with tokens that refresh', async () => {
    const user = await createVerifiedUser(clientId);
    const res = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: user.password });
    expect(res.ChallengeName).to.equal(undefined);
    expect(res.AuthenticationResult?.TokenType).to.equal('Bearer');
    const refreshed = await emulator().client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: res.AuthenticationResult?.RefreshToken as string },
      }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('refuses a wrong password as the password sign-in does', async () => {
    const user = await createVerifiedUser(clientId);
    const refused = await refusal(startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: 'Wrong-Passw0rd!' }));
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('asks a user with an authenticator app for its code after the password', async () => {
    const user = await createVerifiedUser(clientId);
    const secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
    const first = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: user.password });
    expect(first.ChallengeName).to.equal('SOFTWARE_TOKEN_MFA');
    expect(first.AuthenticationResult).to.equal(undefined);
    const done = await answer(clientId, 'SOFTWARE_TOKEN_MFA', first.Session, { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) });
    expect(done.AuthenticationResult?.RefreshToken).to.be.a('string');
  });

  it('takes ANSWER=PASSWORD with the password in one answer, or asks for the password in a PASSWORD challenge', async () => {
    const user = await createVerifiedUser(clientId);
    const select = await startUserAuth(clientId, user.email);
    const oneCall = await answer(clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'PASSWORD', PASSWORD: user.password });
    expect(oneCall.AuthenticationResult?.AccessToken).to.be.a('string');

    const again = await startUserAuth(clientId, user.email);
    const ask = await answer(clientId, 'SELECT_CHALLENGE', again.Session, { USERNAME: user.email, ANSWER: 'PASSWORD' });
    expect(ask.ChallengeName).to.equal('PASSWORD');
    const done = await answer(clientId, 'PASSWORD', ask.Session, { USERNAME: user.email, PASSWORD: user.password });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('refuses an ANSWER that was not offered', async () => {
    const user = await createUser(clientId);
    const select = await startUserAuth(clientId, user.email);
    const refused = await refusal(answer(clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'EMAIL_OTP' }));
    expect(refused.name).to.equal('InvalidParameterException');
  });

  it('does not let a SELECT_CHALLENGE session pass for a two-step code', async () => {
    const user = await createVerifiedUser(clientId);
    const secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
    const select = await startUserAuth(clientId, user.email);
    const refused = await refusal(
      answer(clientId, 'SOFTWARE_TOKEN_MFA', select.Session, { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) }),
    );
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
  });

  it('refuses a disabled user before offering anything', async () => {
    const user = await createVerifiedUser(clientId);
    await emulator().client.send(new AdminDisableUserCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
    expect(await refusal(startUserAuth(clientId, user.email))).to.deep.equal({ name: 'NotAuthorizedException', message: 'User is disabled.' });
  });

  it('answers for a user who does not exist as for one without a passkey, where the client prevents user-existence errors', async () => {
    const nobody = `nobody-${Date.now()}@example.com`;
    const select = await startUserAuth(clientId, nobody);
    expect(select.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
    const sent = await answer(clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: nobody, ANSWER: 'EMAIL_OTP' });
    expect(sent.ChallengeName).to.equal('EMAIL_OTP');
    const wrong = await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: nobody, EMAIL_OTP_CODE: '12345678' }));
    expect(wrong.name).to.equal('CodeMismatchException');
    const password = await refusal(startUserAuth(clientId, nobody, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD }));
    expect(password).to.deep.equal({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('says the user does not exist where the client does not prevent user-existence errors', async () => {
    const legacy = await createTestClient({ ExplicitAuthFlows: ['ALLOW_USER_AUTH'], PreventUserExistenceErrors: 'LEGACY' });
    expect((await refusal(startUserAuth(legacy, `nobody-${Date.now()}@example.com`))).name).to.equal('UserNotFoundException');
  });

  it('refuses USER_AUTH on a client that does not allow it', async () => {
    const passwordOnly = await createTestClient();
    const user = await createVerifiedUser(passwordOnly);
    const refused = await refusal(startUserAuth(passwordOnly, user.email));
    expect(refused).to.deep.equal({ name: 'InvalidParameterException', message: 'USER_AUTH flow not enabled for this client' });
  });
});

describe('InitiateAuth USER_AUTH: SECRET_HASH on a client with a secret (emulator)', () => {
  it('refuses a missing or wrong hash and takes the right one, at the start and in every answer', async () => {
    const { ids } = testEmulator();
    const user = await createVerifiedUser(ids.clientId);
    const hash = computeSecretHash(user.email, ids.clientId, ids.clientSecret as string);
    expect((await refusal(startUserAuth(ids.clientId, user.email))).message).to.match(/configured with secret but SECRET_HASH was not received/);
    expect((await refusal(startUserAuth(ids.clientId, user.email, { SECRET_HASH: 'd3Jvbmc=' }))).message).to.match(/Unable to verify secret hash/);

    const select = await startUserAuth(ids.clientId, user.email, { SECRET_HASH: hash });
    expect(select.ChallengeName).to.equal('SELECT_CHALLENGE');
    const noHash = await refusal(answer(ids.clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'EMAIL_OTP' }));
    expect(noHash.name).to.equal('NotAuthorizedException');
    const sent = await answer(ids.clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'EMAIL_OTP', SECRET_HASH: hash });
    const code = (await signInCodeFor(user.email)) as string;
    const done = await answer(ids.clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code, SECRET_HASH: hash });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });
});

describe('EMAIL_OTP: a code by e-mail (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createUserAuthClient();
  });
  resetClockAfterEach();

  it('e-mails an eight-digit code to the offline mailbox, says where (masked), and signs in with it once', async () => {
    const user = await createVerifiedUser(clientId);
    const sent = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    expect(sent.ChallengeName).to.equal('EMAIL_OTP');
    expect(sent.ChallengeParameters).to.deep.equal({ CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 'l***@e***.com' });
    const code = await signInCodeFor(user.email);
    expect(code).to.match(/^\d{8}$/);

    const done = await answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code as string });
    expect(done.AuthenticationResult?.RefreshToken).to.be.a('string');
    expect(done.ChallengeName).to.equal(undefined);
    expect(await signInCodeFor(user.email), 'a used code leaves the mailbox').to.equal(undefined);
    const reused = await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code as string }));
    expect(reused.name).to.equal('NotAuthorizedException');
  });

  it('sends the code when the user chooses EMAIL_OTP from the choice', async () => {
    const user = await createVerifiedUser(clientId);
    const select = await startUserAuth(clientId, user.email);
    const sent = await answer(clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'EMAIL_OTP' });
    expect(sent.ChallengeName).to.equal('EMAIL_OTP');
    const done = await answer(clientId, 'EMAIL_OTP', sent.Session, {
      USERNAME: user.email,
      EMAIL_OTP_CODE: (await signInCodeFor(user.email)) as string,
    });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('refuses a wrong code with CodeMismatchException and still takes the right one', async () => {
    const user = await createVerifiedUser(clientId);
    const sent = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const code = (await signInCodeFor(user.email)) as string;
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const refused = await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: wrong }));
    expect(refused).to.deep.equal({ name: 'CodeMismatchException', message: 'Invalid code or auth state for the user.' });
    const done = await answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('ends the session after five wrong codes', async () => {
    const user = await createVerifiedUser(clientId);
    const sent = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const code = (await signInCodeFor(user.email)) as string;
    const wrong = code === '00000000' ? '11111111' : '00000000';
    for (let i = 0; i < 5; i += 1) {
      expect((await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: wrong }))).name).to.equal(
        'CodeMismatchException',
      );
    }
    const after = await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code }));
    expect(after.name).to.equal('NotAuthorizedException');
  });

  it('lets the code expire with its session (the client’s three minutes)', async () => {
    const user = await createVerifiedUser(clientId);
    const sent = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const code = (await signInCodeFor(user.email)) as string;
    await advanceClock(181);
    const refused = await refusal(answer(clientId, 'EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code }));
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
  });

  it("leaves the offline mailbox's list when its session's time is up", async () => {
    const user = await createVerifiedUser(clientId);
    await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const dir = testEmulator().emulator.dir;
    const now = await createEmulatorMailbox(dir, emulator().userPoolId).read();
    expect(now.filter((e) => e.email === user.email).map((e) => e.kind)).to.include('sign-in');
    const later = await createEmulatorMailbox(dir, emulator().userPoolId, () => Date.now() + 181_000).read();
    expect(later.filter((e) => e.email === user.email).map((e) => e.kind)).not.to.include('sign-in');
  });

  it('does not take the code of one sign-in in another', async () => {
    const user = await createVerifiedUser(clientId);
    await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const firstCode = (await signInCodeFor(user.email)) as string;
    const second = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const secondCode = (await signInCodeFor(user.email)) as string;
    if (firstCode !== secondCode) {
      expect((await refusal(answer(clientId, 'EMAIL_OTP', second.Session, { USERNAME: user.email, EMAIL_OTP_CODE: firstCode }))).name).to.equal(
        'CodeMismatchException',
      );
    }
    expect(
      (await answer(clientId, 'EMAIL_OTP', second.Session, { USERNAME: user.email, EMAIL_OTP_CODE: secondCode })).AuthenticationResult,
    ).to.have.property('AccessToken');
  });

  it('offers no e-mailed code once the address is no longer verified', async () => {
    const user = await createVerifiedUser(clientId);
    await emulator().client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: emulator().userPoolId,
        Username: user.email,
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'false' },
        ],
      }),
    );
    const res = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    expect(res.ChallengeName).to.equal('SELECT_CHALLENGE');
    expect(res.AvailableChallenges).to.deep.equal(['PASSWORD']);
  });
});

describe('AdminInitiateAuth USER_AUTH and AdminRespondToAuthChallenge (emulator)', () => {
  it('raise the same challenges: an e-mailed code signs in through the admin API', async () => {
    const { client, userPoolId } = emulator();
    const clientId = await createUserAuthClient();
    const user = await createVerifiedUser(clientId);
    const sent = await client.send(
      new AdminInitiateAuthCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        AuthFlow: 'USER_AUTH',
        AuthParameters: { USERNAME: user.email, PREFERRED_CHALLENGE: 'EMAIL_OTP' },
      }),
    );
    expect(sent.ChallengeName).to.equal('EMAIL_OTP');
    const done = await client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        ChallengeName: 'EMAIL_OTP',
        Session: sent.Session,
        ChallengeResponses: { USERNAME: user.email, EMAIL_OTP_CODE: (await signInCodeFor(user.email)) as string },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });
});
