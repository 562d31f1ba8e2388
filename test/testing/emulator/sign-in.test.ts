import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { totpCode } from '../../../src/testing';
import { wrongTotpCodeFor } from '../../helpers/totp';
import { advanceClock, createTestClient, createUser, emulator, PASSWORD, refusal, resetClockAfterEach, signIn, turnOnTotp } from './fixtures';

describe('AdminInitiateAuth and AdminRespondToAuthChallenge (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createTestClient();
  });
  resetClockAfterEach();

  const adminSignIn = (email: string, password: string) =>
    emulator().client.send(
      new AdminInitiateAuthCommand({
        UserPoolId: emulator().userPoolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );

  it('signs a user without a second step straight in, with tokens that say how long they last', async () => {
    const user = await createUser(clientId);
    const res = await adminSignIn(user.email, user.password);
    expect(res.ChallengeName).to.equal(undefined);
    expect(res.AuthenticationResult?.RefreshToken).to.be.a('string');
    expect(res.AuthenticationResult?.TokenType).to.equal('Bearer');
    expect(res.AuthenticationResult?.ExpiresIn).to.be.a('number').above(0);
  });

  it('asks a user with an authenticator app for its code, and the admin answer with the code signs in', async () => {
    const user = await createUser(clientId);
    const secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
    const first = await adminSignIn(user.email, user.password);
    expect(first.ChallengeName).to.equal('SOFTWARE_TOKEN_MFA');
    expect(first.AuthenticationResult).to.equal(undefined);

    const answer = await emulator().client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: emulator().userPoolId,
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) },
      }),
    );
    expect(answer.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('asks a user with a temporary password for a new one, after checking the temporary password', async () => {
    const { client, userPoolId } = emulator();
    const email = `temp-${Date.now()}@example.com`;
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        TemporaryPassword: 'Temp0rary!Pass',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const wrong = await refusal(adminSignIn(email, 'Not-the-temp-0'));
    expect(wrong).to.deep.equal({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    const first = await adminSignIn(email, 'Temp0rary!Pass');
    expect(first.ChallengeName).to.equal('NEW_PASSWORD_REQUIRED');
    const answer = await client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: PASSWORD },
      }),
    );
    expect(answer.AuthenticationResult?.RefreshToken).to.be.a('string');
    expect((await adminSignIn(email, PASSWORD)).AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('refuses a wrong password, an unknown user and a disabled user with NotAuthorizedException', async () => {
    const user = await createUser(clientId);
    expect(await refusal(adminSignIn(user.email, 'Wrong-passw0rd'))).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect((await refusal(adminSignIn(`nobody-${Date.now()}@example.com`, PASSWORD))).name).to.equal('NotAuthorizedException');
    await emulator().client.send(new AdminDisableUserCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
    expect(await refusal(adminSignIn(user.email, user.password))).to.deep.equal({ name: 'NotAuthorizedException', message: 'User is disabled.' });
  });

  it('refuses a client that is not in the named pool', async () => {
    const user = await createUser(clientId);
    const res = await refusal(
      emulator().client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: 'local_NotAPool',
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
        }),
      ),
    );
    expect(res.name).to.equal('ResourceNotFoundException');
  });
});

describe('RespondToAuthChallenge sessions (emulator)', () => {
  let clientId: string;
  let user: { email: string; password: string };
  let secret: string;
  before(async () => {
    clientId = await createTestClient();
    user = await createUser(clientId);
    secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
  });
  resetClockAfterEach();

  const start = async () =>
    (
      await emulator().client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
        }),
      )
    ).Session as string;
  const answer = (session: string, code: string) =>
    emulator().client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: session,
        ChallengeResponses: { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );

  it('keeps the session after a wrong code, and uses it up with the right one', async () => {
    const session = await start();
    expect((await refusal(answer(session, wrongTotpCodeFor(secret)))).name).to.equal('CodeMismatchException');
    expect((await answer(session, totpCode(secret))).AuthenticationResult?.AccessToken).to.be.a('string');
    expect(await refusal(answer(session, totpCode(secret)))).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('refuses a session older than three minutes', async () => {
    const session = await start();
    await advanceClock(181);
    expect((await refusal(answer(session, totpCode(secret)))).message).to.equal('Invalid session for the user, session is expired.');
  });

  it('refuses a session string it never issued', async () => {
    expect((await refusal(answer('made-up-session', totpCode(secret)))).name).to.equal('NotAuthorizedException');
  });
});
