import {
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  ChangePasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { totpCode } from '../../../src/testing';
import { advanceClock, createTestClient, createUser, emulator, PASSWORD, refusal, resetClockAfterEach, signIn, turnOnTotp } from './fixtures';

const REVOKED = { name: 'NotAuthorizedException', message: 'Access Token has been revoked' };

describe('token revocation (emulator)', () => {
  let clientId: string;
  before(async () => {
    clientId = await createTestClient();
  });
  resetClockAfterEach();

  const getUser = (accessToken: string) => emulator().client.send(new GetUserCommand({ AccessToken: accessToken }));
  const refresh = (refreshToken: string) =>
    emulator().client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );

  describe('GlobalSignOut', () => {
    it("stops every one of the user's refresh tokens, and every access token, from working", async () => {
      const user = await createUser(clientId);
      const laptop = await signIn(clientId, user);
      const phone = await signIn(clientId, user);
      await emulator().client.send(new GlobalSignOutCommand({ AccessToken: laptop.AccessToken }));

      for (const device of [laptop, phone]) {
        expect(await refusal(getUser(device.AccessToken))).to.deep.equal(REVOKED);
        expect(await refusal(refresh(device.RefreshToken))).to.deep.equal({
          name: 'NotAuthorizedException',
          message: 'Refresh Token has been revoked',
        });
      }
      const changed = refusal(
        emulator().client.send(
          new ChangePasswordCommand({ AccessToken: phone.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'N3w-Passw0rd!' }),
        ),
      );
      expect(await changed).to.deep.equal(REVOKED);
      const update = emulator().client.send(
        new UpdateUserAttributesCommand({ AccessToken: phone.AccessToken, UserAttributes: [{ Name: 'name', Value: 'x' }] }),
      );
      expect(await refusal(update)).to.deep.equal(REVOKED);
    });

    it('leaves a sign-in made afterwards working', async () => {
      const user = await createUser(clientId);
      await emulator().client.send(new GlobalSignOutCommand({ AccessToken: (await signIn(clientId, user)).AccessToken }));
      const again = await signIn(clientId, user);
      expect((await getUser(again.AccessToken)).Username).to.be.a('string');
      expect((await refresh(again.RefreshToken)).AuthenticationResult?.AccessToken).to.be.a('string');
    });
  });

  describe('AdminUserGlobalSignOut', () => {
    it('revokes the named user’s tokens, and no one else’s', async () => {
      const user = await createUser(clientId);
      const other = await createUser(clientId);
      const mine = await signIn(clientId, user);
      const theirs = await signIn(clientId, other);
      await emulator().client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
      expect(await refusal(getUser(mine.AccessToken))).to.deep.equal(REVOKED);
      expect((await refusal(refresh(mine.RefreshToken))).message).to.equal('Refresh Token has been revoked');
      expect((await getUser(theirs.AccessToken)).Username).to.be.a('string');
    });

    it('answers UserNotFoundException for an unknown user', async () => {
      const res = await refusal(
        emulator().client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: emulator().userPoolId, Username: 'nobody@example.com' })),
      );
      expect(res.name).to.equal('UserNotFoundException');
    });
  });

  describe('RevokeToken', () => {
    it('revokes the refresh token and the access tokens issued with it, and leaves the other sign-ins alone', async () => {
      const user = await createUser(clientId);
      const revoked = await signIn(clientId, user);
      const kept = await signIn(clientId, user);
      const refreshed = (await refresh(revoked.RefreshToken)).AuthenticationResult?.AccessToken as string;
      await emulator().client.send(new RevokeTokenCommand({ ClientId: clientId, Token: revoked.RefreshToken }));

      expect(await refusal(getUser(revoked.AccessToken))).to.deep.equal(REVOKED);
      expect(await refusal(getUser(refreshed)), 'an access token from a refresh of it').to.deep.equal(REVOKED);
      expect((await refusal(refresh(revoked.RefreshToken))).message).to.equal('Refresh Token has been revoked');
      expect((await getUser(kept.AccessToken)).Username).to.be.a('string');
      expect((await refresh(kept.RefreshToken)).AuthenticationResult?.AccessToken).to.be.a('string');
    });

    it('refuses an access token with UnsupportedTokenTypeException', async () => {
      const tokens = await signIn(clientId, await createUser(clientId));
      const res = await refusal(emulator().client.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.AccessToken })));
      expect(res.name).to.equal('UnsupportedTokenTypeException');
    });
  });

  describe('AdminDisableUser', () => {
    it("revokes the user's access tokens and refresh tokens", async () => {
      const user = await createUser(clientId);
      const tokens = await signIn(clientId, user);
      await emulator().client.send(new AdminDisableUserCommand({ UserPoolId: emulator().userPoolId, Username: user.email }));
      expect(await refusal(getUser(tokens.AccessToken))).to.deep.equal(REVOKED);
      expect((await refusal(refresh(tokens.RefreshToken))).name).to.equal('NotAuthorizedException');
    });
  });

  describe('access tokens', () => {
    it('are refused once expired, on the emulator’s clock, and a refresh gives a working one', async () => {
      const user = await createUser(clientId);
      const tokens = await signIn(clientId, user);
      await advanceClock(25 * 3600);
      expect(await refusal(getUser(tokens.AccessToken))).to.deep.equal({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
      const fresh = (await refresh(tokens.RefreshToken)).AuthenticationResult?.AccessToken as string;
      expect((await getUser(fresh)).Username).to.be.a('string');
    });

    it('are refused when not signed by the emulator', async () => {
      const tokens = await signIn(clientId, await createUser(clientId));
      const [header, payload] = tokens.AccessToken.split('.');
      expect(await refusal(getUser(`${header}.${payload}.bm90LWEtc2lnbmF0dXJl`))).to.deep.equal({
        name: 'NotAuthorizedException',
        message: 'Invalid Access Token',
      });
    });
  });
});

describe('refresh tokens from challenge sign-ins (emulator)', () => {
  it('refresh after a two-step sign-in, and RevokeToken revokes them', async () => {
    const clientId = await createTestClient();
    const user = await createUser(clientId);
    const secret = await turnOnTotp((await signIn(clientId, user)).AccessToken);
    const { client } = emulator();
    const first = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) },
      }),
    );
    const refreshToken = done.AuthenticationResult?.RefreshToken as string;
    const refreshed = await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).to.be.a('string');
    await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
    const after = refusal(
      client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } })),
    );
    expect((await after).message).to.equal('Refresh Token has been revoked');
  });
});
