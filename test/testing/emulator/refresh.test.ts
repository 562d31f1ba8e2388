import {
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { advanceClock, createTestClient, createUser, emulator, refusal, resetClockAfterEach, signIn } from './fixtures';

describe('GetTokensFromRefreshToken (emulator)', () => {
  resetClockAfterEach();
  const getTokens = (clientId: string, refreshToken: string) =>
    emulator().client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }));

  describe('without refresh-token rotation', () => {
    it('issues new access and ID tokens and keeps the refresh token', async () => {
      const clientId = await createTestClient();
      const tokens = await signIn(clientId, await createUser(clientId));
      const res = await getTokens(clientId, tokens.RefreshToken);
      expect(res.AuthenticationResult?.AccessToken).to.be.a('string').and.not.equal(tokens.AccessToken);
      expect(res.AuthenticationResult?.RefreshToken).to.equal(undefined);
      expect((await getTokens(clientId, tokens.RefreshToken)).AuthenticationResult?.IdToken).to.be.a('string');
    });

    it('refuses a refresh token of another app client', async () => {
      const clientId = await createTestClient();
      const otherClient = await createTestClient();
      const tokens = await signIn(clientId, await createUser(clientId));
      expect((await refusal(getTokens(otherClient, tokens.RefreshToken))).name).to.equal('NotAuthorizedException');
    });
  });

  describe('with refresh-token rotation on', () => {
    let clientId: string;
    before(async () => {
      clientId = await createTestClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } });
    });

    it('shows the setting in DescribeUserPoolClient', async () => {
      const { UserPoolClient } = await emulator().client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: emulator().userPoolId, ClientId: clientId }),
      );
      expect(UserPoolClient?.RefreshTokenRotation).to.deep.equal({ Feature: 'ENABLED', RetryGracePeriodSeconds: 10 });
    });

    it('issues a new refresh token each time, and the new one refreshes', async () => {
      const tokens = await signIn(clientId, await createUser(clientId));
      const first = (await getTokens(clientId, tokens.RefreshToken)).AuthenticationResult;
      expect(first?.RefreshToken).to.be.a('string').and.not.equal(tokens.RefreshToken);
      const second = (await getTokens(clientId, first?.RefreshToken as string)).AuthenticationResult;
      expect(second?.RefreshToken).to.be.a('string').and.not.equal(first?.RefreshToken);
      expect((await emulator().client.send(new GetUserCommand({ AccessToken: second?.AccessToken }))).Username).to.be.a('string');
    });

    it('accepts the rotated-out token during the grace period, then refuses its reuse with RefreshTokenReuseException', async () => {
      const tokens = await signIn(clientId, await createUser(clientId));
      const rotated = (await getTokens(clientId, tokens.RefreshToken)).AuthenticationResult?.RefreshToken;
      await advanceClock(5);
      const retry = (await getTokens(clientId, tokens.RefreshToken)).AuthenticationResult;
      expect(retry?.RefreshToken, 'a retry within the grace period gets the token already issued').to.equal(rotated);
      await advanceClock(10);
      expect((await refusal(getTokens(clientId, tokens.RefreshToken))).name).to.equal('RefreshTokenReuseException');
      expect((await getTokens(clientId, rotated as string)).AuthenticationResult?.AccessToken, 'the new token still works').to.be.a('string');
    });

    it('refuses REFRESH_TOKEN_AUTH', async () => {
      const tokens = await signIn(clientId, await createUser(clientId));
      const res = await refusal(
        emulator().client.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken } }),
        ),
      );
      expect(res.name).to.equal('InvalidParameterException');
    });

    it('goes back to plain refresh when an update leaves the setting out', async () => {
      const own = await createTestClient({ RefreshTokenRotation: { Feature: 'ENABLED' } });
      await emulator().client.send(new UpdateUserPoolClientCommand({ UserPoolId: emulator().userPoolId, ClientId: own }));
      const tokens = await signIn(own, await createUser(own));
      const res = await emulator().client.send(
        new InitiateAuthCommand({ ClientId: own, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken } }),
      );
      expect(res.AuthenticationResult?.AccessToken).to.be.a('string');
    });
  });

  describe('refresh-token expiry', () => {
    it('refuses a refresh token past the client’s refresh-token validity', async () => {
      const clientId = await createTestClient({ RefreshTokenValidity: 1, TokenValidityUnits: { RefreshToken: 'days' } });
      const tokens = await signIn(clientId, await createUser(clientId));
      await advanceClock(86_400 + 60);
      expect(await refusal(getTokens(clientId, tokens.RefreshToken))).to.deep.equal({
        name: 'NotAuthorizedException',
        message: 'Refresh Token has expired',
      });
    });
  });
});
