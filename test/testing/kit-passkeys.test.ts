import {
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { startCognitoLocal, type CognitoLocal } from '../../src/testing';
import { secretHashOf } from '../../src/testing/emulator/secret-hash';

const BASE_URL = 'http://shop.localhost:3000';

describe('the test kit: passkeys and e-mailed codes in a host’s CI (startCognitoLocal)', function () {
  this.timeout(40_000);
  let cognito: CognitoLocal;
  before(async () => {
    cognito = await startCognitoLocal({ baseUrl: BASE_URL });
  });
  after(async () => cognito?.stop());

  const hash = (email: string) => secretHashOf(email, cognito.clientId, cognito.clientSecret as string);
  const userAuth = (email: string, preferred: string) =>
    cognito.client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_AUTH',
        AuthParameters: { USERNAME: email, PREFERRED_CHALLENGE: preferred, SECRET_HASH: hash(email) },
      }),
    );
  const respond = (name: 'EMAIL_OTP' | 'WEB_AUTHN', session: string | undefined, responses: Record<string, string>) =>
    cognito.client.send(
      new RespondToAuthChallengeCommand({ ClientId: cognito.clientId, ChallengeName: name, Session: session, ChallengeResponses: responses }),
    );

  it('registers a passkey with cognito.passkeys.register, and the authenticator it returns signs in with it', async () => {
    const user = await cognito.createUser();
    const { authenticator, credentialId } = await cognito.passkeys.register(user);
    expect(authenticator.origin).to.equal(BASE_URL);
    expect(authenticator.credentialIds()).to.deep.equal([credentialId]);

    const challenge = await userAuth(user.email, 'WEB_AUTHN');
    expect(challenge.ChallengeName).to.equal('WEB_AUTHN');
    const assertion = authenticator.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const done = await respond('WEB_AUTHN', challenge.Session, {
      USERNAME: user.email,
      CREDENTIAL: JSON.stringify(assertion),
      SECRET_HASH: hash(user.email),
    });
    const accessToken = done.AuthenticationResult?.AccessToken as string;
    const listed = await cognito.client.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }));
    expect(listed.Credentials?.map((c) => c.CredentialId)).to.deep.equal([credentialId]);
  });

  it('gives a new user a verified address, so the e-mailed sign-in code is offered and reaches cognito.latestCode', async () => {
    const user = await cognito.createUser();
    const sent = await userAuth(user.email, 'EMAIL_OTP');
    expect(sent.ChallengeName).to.equal('EMAIL_OTP');
    const code = await cognito.latestCode(user.email, 'sign-in');
    const done = await respond('EMAIL_OTP', sent.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code, SECRET_HASH: hash(user.email) });
    expect(done.AuthenticationResult?.IdToken).to.be.a('string');
  });

  it('refuses, as a browser would, to make a passkey for a relying party the page’s origin does not belong to', async () => {
    const elsewhere = cognito.passkeys.create({ origin: 'https://shop.example' });
    const user = await cognito.createUser();
    let refused: unknown;
    try {
      await cognito.passkeys.register(user, elsewhere);
    } catch (err) {
      refused = err;
    }
    expect((refused as Error | undefined)?.name).to.equal('SecurityError');
  });

  it('narrows the first factors to match a production pool', async () => {
    const narrow = await startCognitoLocal({ baseUrl: BASE_URL, firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
    try {
      const { UserPool } = await narrow.client.send(new DescribeUserPoolCommand({ UserPoolId: narrow.userPoolId }));
      expect(UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
      const user = await narrow.createUser();
      let refused: unknown;
      try {
        await narrow.passkeys.register(user);
      } catch (err) {
        refused = err;
      }
      expect((refused as Error | undefined)?.name).to.equal('WebAuthnNotEnabledException');
    } finally {
      await narrow.stop();
    }
  });
});
