import {
  CompleteWebAuthnRegistrationCommand,
  SetUserPoolMfaConfigCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createPasskeyAuthenticator } from '../../../src/testing';
import { emulator, refusal, signIn } from './fixtures';
import {
  answer,
  createOwnPool,
  createUserAuthClient,
  createVerifiedUser,
  forgingAuthenticator,
  ORIGIN,
  registerPasskey,
  startUserAuth,
} from './passwordless-fixtures';

async function startRegistration(accessToken: string): Promise<object> {
  const { CredentialCreationOptions } = await emulator().client.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
  return CredentialCreationOptions as object;
}

function complete(accessToken: string, credential: unknown) {
  return emulator().client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }));
}

describe('WEB_AUTHN: signing in with a passkey (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createUserAuthClient();
  });

  it('sends the request options as a JSON string naming the relying party and the passkey, and signs in with the assertion', async () => {
    const user = await createVerifiedUser(clientId);
    const { credentialId, authenticator: key } = await registerPasskey(clientId, user);
    const select = await startUserAuth(clientId, user.email);
    expect(select.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN']);
    const challenge = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(challenge.ChallengeName).to.equal('WEB_AUTHN');
    const options = JSON.parse(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string) as Record<string, unknown>;
    expect(options).to.include({ rpId: 'localhost', userVerification: 'preferred' });
    expect(options.allowCredentials).to.deep.equal([{ id: credentialId, type: 'public-key' }]);

    const assertion = key.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const done = await answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) });
    expect(done.AuthenticationResult?.RefreshToken).to.be.a('string');
    expect(done.ChallengeName, 'no two-step code after a passkey').to.equal(undefined);
  });

  it('runs the passkey chosen from SELECT_CHALLENGE', async () => {
    const user = await createVerifiedUser(clientId);
    const { authenticator: key } = await registerPasskey(clientId, user);
    const select = await startUserAuth(clientId, user.email);
    const challenge = await answer(clientId, 'SELECT_CHALLENGE', select.Session, { USERNAME: user.email, ANSWER: 'WEB_AUTHN' });
    expect(challenge.ChallengeName).to.equal('WEB_AUTHN');
    const assertion = key.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const done = await answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it('refuses a wrong signature, and the same session still takes the right one', async () => {
    const user = await createVerifiedUser(clientId);
    const { authenticator: key } = await registerPasskey(clientId, user);
    const challenge = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const good = key.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const signature = Buffer.from(good.response.signature, 'base64url');
    signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 0xff, signature.length - 1);
    const bad = { ...good, response: { ...good.response, signature: signature.toString('base64url') } };
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(bad) }));
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Invalid passkey credential: the signature does not verify.' });
    const done = await answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(good) });
    expect(done.AuthenticationResult?.AccessToken).to.be.a('string');
  });

  it("refuses an assertion for another session's challenge", async () => {
    const user = await createVerifiedUser(clientId);
    const { authenticator: key } = await registerPasskey(clientId, user);
    const first = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const second = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const forFirst = key.get(first.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', second.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(forFirst) }));
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: "Invalid passkey credential: the challenge is not this session's." });
  });

  it('refuses an assertion made at an origin that does not align with the relying party', async () => {
    const user = await createVerifiedUser(clientId);
    const forger = forgingAuthenticator();
    const { AccessToken } = await signIn(clientId, user);
    await complete(AccessToken, forger.create(await startRegistration(AccessToken), ORIGIN));
    const challenge = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const assertion = forger.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string, 'https://evil.example');
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) }));
    expect(refused).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Invalid passkey credential: the origin does not align with the relying party.',
    });
  });

  it("refuses another user's passkey", async () => {
    const owner = await createVerifiedUser(clientId);
    const { authenticator: ownersKey } = await registerPasskey(clientId, owner);
    const user = await createVerifiedUser(clientId);
    await registerPasskey(clientId, user);
    const challenge = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const options = JSON.parse(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string) as Record<string, unknown>;
    const assertion = ownersKey.get({ ...options, allowCredentials: [] });
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) }));
    expect(refused).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Invalid passkey credential: the passkey is not registered for this user.',
    });
  });

  it('keeps the signature counter: an older assertion is refused once a newer one has signed in', async () => {
    const user = await createVerifiedUser(clientId);
    const { authenticator: key } = await registerPasskey(clientId, user);
    const first = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const older = key.get(first.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const second = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const newer = key.get(second.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    await answer(clientId, 'WEB_AUTHN', second.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(newer) });
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', first.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(older) }));
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Invalid passkey credential: the signature counter went back.' });
  });

  it('offers no passkey made for another relying party than the pool has now', async () => {
    const pool = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'], webAuthn: { RelyingPartyId: 'localhost' } });
    const user = await createVerifiedUser(pool.clientId, pool.userPoolId);
    const { authenticator: key } = await registerPasskey(pool.clientId, user);
    await emulator().client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.userPoolId,
        MfaConfiguration: 'OPTIONAL',
        WebAuthnConfiguration: { RelyingPartyId: 'app.localhost' },
      }),
    );
    const res = await startUserAuth(pool.clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(res.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
    expect(key.credentialIds()).to.have.length(1);
  });

  it('asks for user verification where the pool requires it, and refuses an assertion without it', async () => {
    const pool = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'], webAuthn: { RelyingPartyId: 'localhost' } });
    const user = await createVerifiedUser(pool.clientId, pool.userPoolId);
    const plainKey = createPasskeyAuthenticator({ origin: ORIGIN, userVerification: false });
    await registerPasskey(pool.clientId, user, plainKey);
    await emulator().client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.userPoolId,
        MfaConfiguration: 'OPTIONAL',
        WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: 'required' },
      }),
    );
    const challenge = await startUserAuth(pool.clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(JSON.parse(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string)).to.include({ userVerification: 'required' });
    const assertion = plainKey.get(challenge.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const refused = await refusal(
      answer(pool.clientId, 'WEB_AUTHN', challenge.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) }),
    );
    expect(refused).to.deep.equal({ name: 'NotAuthorizedException', message: 'Invalid passkey credential: user verification is required.' });
  });
});
