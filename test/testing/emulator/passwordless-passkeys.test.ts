import {
  CompleteWebAuthnRegistrationCommand,
  DeleteWebAuthnCredentialCommand,
  GlobalSignOutCommand,
  ListWebAuthnCredentialsCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { advanceClock, emulator, refusal, resetClockAfterEach, signIn } from './fixtures';
import {
  answer,
  authenticator,
  createOwnPool,
  createUserAuthClient,
  createVerifiedUser,
  forgingAuthenticator,
  ORIGIN,
  registerPasskey,
  startUserAuth,
} from './passwordless-fixtures';

type Options = Record<string, unknown> & { challenge: string; rp: { id: string; name: string }; user: { id: string; name: string } };

async function startRegistration(accessToken: string): Promise<Options> {
  const { CredentialCreationOptions } = await emulator().client.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
  return CredentialCreationOptions as Options;
}

function complete(accessToken: string, credential: unknown) {
  return emulator().client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }));
}

function list(accessToken: string, page: { MaxResults?: number; NextToken?: string } = {}) {
  return emulator().client.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, ...page }));
}

describe('StartWebAuthnRegistration and CompleteWebAuthnRegistration (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createUserAuthClient();
  });
  resetClockAfterEach();

  it("returns Cognito's creation options as an object: the pool's relying party, the user's sub, ES256 and RS256, a discoverable passkey", async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken, IdToken } = await signIn(clientId, user);
    const options = await startRegistration(AccessToken);
    const { sub } = JSON.parse(Buffer.from(IdToken.split('.')[1] as string, 'base64url').toString('utf8')) as { sub: string };
    expect(options.rp).to.deep.equal({ id: 'localhost', name: 'localhost' });
    expect(Buffer.from(options.user.id, 'base64url').toString('utf8')).to.equal(sub);
    expect(options.user.name).to.equal(user.email);
    expect(Buffer.from(options.challenge, 'base64url')).to.have.length(16);
    expect(options.pubKeyCredParams).to.deep.equal([
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -257 },
    ]);
    expect(options.authenticatorSelection).to.deep.equal({ requireResidentKey: true, residentKey: 'required', userVerification: 'preferred' });
    expect(options.excludeCredentials).to.deep.equal([]);
  });

  it('registers the passkey the authenticator made, lists it, and excludes it from the next registration', async () => {
    const user = await createVerifiedUser(clientId);
    const { accessToken, credentialId } = await registerPasskey(clientId, user);
    const { Credentials, NextToken } = await list(accessToken);
    expect(NextToken).to.equal(undefined);
    expect(Credentials).to.have.length(1);
    const [listed] = Credentials ?? [];
    expect(listed?.CredentialId).to.equal(credentialId);
    expect(listed?.RelyingPartyId).to.equal('localhost');
    expect(listed?.FriendlyCredentialName).to.be.a('string').and.not.equal('');
    expect(listed?.AuthenticatorTransports).to.be.an('array');
    expect(listed?.CreatedAt).to.be.instanceOf(Date);
    expect((await startRegistration(accessToken)).excludeCredentials).to.deep.equal([{ type: 'public-key', id: credentialId }]);
  });

  it('refuses a completion with no registration started, a used challenge, or one past five minutes: WebAuthnChallengeNotFoundException', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    const key = authenticator();
    const options = await startRegistration(AccessToken);
    const credential = key.create(options);
    await complete(AccessToken, credential);
    expect((await refusal(complete(AccessToken, credential))).name).to.equal('WebAuthnChallengeNotFoundException');

    const other = await createVerifiedUser(clientId);
    const otherToken = (await signIn(clientId, other)).AccessToken;
    expect((await refusal(complete(otherToken, credential))).name, 'never started').to.equal('WebAuthnChallengeNotFoundException');
    const late = authenticator().create(await startRegistration(otherToken));
    await advanceClock(301);
    const token = (await signIn(clientId, other)).AccessToken;
    expect((await refusal(complete(token, late))).name, 'expired').to.equal('WebAuthnChallengeNotFoundException');
  });

  it('refuses a credential made for another challenge', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    const options = await startRegistration(AccessToken);
    const stale = authenticator().create({ ...options, challenge: Buffer.from('another challenge').toString('base64url') });
    expect((await refusal(complete(AccessToken, stale))).name).to.equal('WebAuthnChallengeNotFoundException');
  });

  it('refuses a credential made at an origin that does not align with the relying party', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    const credential = forgingAuthenticator().create(await startRegistration(AccessToken), 'https://evil.example');
    expect((await refusal(complete(AccessToken, credential))).name).to.equal('WebAuthnOriginNotAllowedException');
  });

  it('refuses a credential made for another relying party', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    const options = await startRegistration(AccessToken);
    // Made for app.localhost (a relying party the page's origin may claim) and presented to the pool of localhost.
    const credential = authenticator().create({ ...options, rp: { id: 'app.localhost', name: 'app.localhost' } });
    expect((await refusal(complete(AccessToken, credential))).name).to.equal('WebAuthnRelyingPartyMismatchException');
  });

  it('refuses a passkey whose algorithm the pool did not offer', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    const options = await startRegistration(AccessToken);
    const { WebAuthnEmulator, AuthenticatorEmulator, PasskeysCredentialsMemoryRepository } = await import('nid-webauthn-emulator');
    const eddsaOnly = new WebAuthnEmulator(
      new AuthenticatorEmulator({ algorithmIdentifiers: ['EdDSA'], credentialsRepository: new PasskeysCredentialsMemoryRepository() }),
    );
    const credential = eddsaOnly.createJSON(ORIGIN, { ...options, pubKeyCredParams: [{ type: 'public-key', alg: -8 }] } as never);
    expect((await refusal(complete(AccessToken, credential))).name).to.equal('WebAuthnCredentialNotSupportedException');
  });

  it('refuses a completion with an access token of another app client than the start', async () => {
    const user = await createVerifiedUser(clientId);
    const start = (await signIn(clientId, user)).AccessToken;
    const credential = authenticator().create(await startRegistration(start));
    const otherClient = await createUserAuthClient();
    const otherToken = (await signIn(otherClient, user)).AccessToken;
    expect((await refusal(complete(otherToken, credential))).name).to.equal('WebAuthnClientMismatchException');
  });

  it('refuses a revoked access token, as every operation that takes one does', async () => {
    const user = await createVerifiedUser(clientId);
    const { AccessToken } = await signIn(clientId, user);
    await emulator().client.send(new GlobalSignOutCommand({ AccessToken }));
    expect(await refusal(startRegistration(AccessToken))).to.deep.equal({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    expect(await refusal(list(AccessToken))).to.deep.equal({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    const fresh = (await signIn(clientId, user)).AccessToken;
    expect((await startRegistration(fresh)).rp, 'a token of a later sign-in works').to.deep.equal({ id: 'localhost', name: 'localhost' });
  });

  it('refuses passkeys where the pool does not offer them, or has no relying party', async () => {
    const withoutPasskeys = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'EMAIL_OTP'], webAuthn: { RelyingPartyId: 'localhost' } });
    const first = await createVerifiedUser(withoutPasskeys.clientId, withoutPasskeys.userPoolId);
    const refused = await refusal(startRegistration((await signIn(withoutPasskeys.clientId, first)).AccessToken));
    expect(refused.name).to.equal('WebAuthnNotEnabledException');

    const withoutRp = await createOwnPool({ firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] });
    const second = await createVerifiedUser(withoutRp.clientId, withoutRp.userPoolId);
    const missing = await refusal(startRegistration((await signIn(withoutRp.clientId, second)).AccessToken));
    expect(missing.name).to.equal('WebAuthnConfigurationMissingException');
  });

  it('refuses an authenticator that cannot verify the person where the pool requires it', async () => {
    const pool = await createOwnPool({
      firstAuthFactors: ['PASSWORD', 'WEB_AUTHN'],
      webAuthn: { RelyingPartyId: 'localhost', UserVerification: 'required' },
    });
    const user = await createVerifiedUser(pool.clientId, pool.userPoolId);
    const { AccessToken } = await signIn(pool.clientId, user);
    const options = await startRegistration(AccessToken);
    expect((options.authenticatorSelection as { userVerification: string }).userVerification).to.equal('required');
    const credential = authenticator({ userVerification: false }).create(options);
    expect((await refusal(complete(AccessToken, credential))).name).to.equal('WebAuthnCredentialNotSupportedException');
  });
});

describe('ListWebAuthnCredentials and DeleteWebAuthnCredential (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createUserAuthClient();
  });

  it('pages through the passkeys with MaxResults and NextToken, and refuses more than 20 a page', async () => {
    const user = await createVerifiedUser(clientId);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await registerPasskey(clientId, user, authenticator())).credentialId);
    const { AccessToken } = await signIn(clientId, user);
    const first = await list(AccessToken, { MaxResults: 2 });
    expect(first.Credentials?.map((c) => c.CredentialId)).to.deep.equal(ids.slice(0, 2));
    expect(first.NextToken).to.be.a('string');
    const second = await list(AccessToken, { MaxResults: 2, NextToken: first.NextToken as string });
    expect(second.Credentials?.map((c) => c.CredentialId)).to.deep.equal(ids.slice(2));
    expect(second.NextToken).to.equal(undefined);
    expect((await refusal(list(AccessToken, { MaxResults: 21 }))).name).to.equal('InvalidParameterException');
  });

  it('deletes a passkey, which then no longer signs in and is no longer offered; an unknown id is ResourceNotFoundException', async () => {
    const user = await createVerifiedUser(clientId);
    const { accessToken, credentialId, authenticator: key } = await registerPasskey(clientId, user);
    const before = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(before.ChallengeName).to.equal('WEB_AUTHN');

    expect(
      (await refusal(emulator().client.send(new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: 'bm90LWEtcGFzc2tleQ' }))))
        .name,
    ).to.equal('ResourceNotFoundException');
    await emulator().client.send(new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: credentialId }));
    expect((await list(accessToken)).Credentials).to.deep.equal([]);

    const assertion = key.get(before.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS as string);
    const refused = await refusal(answer(clientId, 'WEB_AUTHN', before.Session, { USERNAME: user.email, CREDENTIAL: JSON.stringify(assertion) }));
    expect(refused).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Invalid passkey credential: the passkey is not registered for this user.',
    });
    const after = await startUserAuth(clientId, user.email, { PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(after.ChallengeName).to.equal('SELECT_CHALLENGE');
    expect(after.AvailableChallenges).to.deep.equal(['PASSWORD', 'EMAIL_OTP']);
  });
});
