import { GetTokensFromRefreshTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createTestClient, createUser, emulator, signIn } from './fixtures';

/*
 * The claims of the emulator's tokens, as Amazon Cognito issues them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html):
 * the token generator builds them itself and signs each token once.
 */
describe('the tokens the emulator issues', () => {
  it('are signed with the key its JWKS publishes, carry the ID and access claims, and share one origin_jti per sign-in', async () => {
    const { url, userPoolId } = emulator();
    const clientId = await createTestClient({
      AccessTokenValidity: 5,
      IdTokenValidity: 10,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    });
    const user = await createUser(clientId);
    const tokens = await signIn(clientId, user);
    const jwks = createRemoteJWKSet(new URL(`${url}/${userPoolId}/.well-known/jwks.json`));
    const issuer = `${url}/${userPoolId}`;

    const { payload: id, protectedHeader } = await jwtVerify(tokens.IdToken, jwks, { issuer, audience: clientId });
    expect(protectedHeader).to.include({ alg: 'RS256', kid: 'CognitoLocal' });
    expect(id).to.include({ token_use: 'id', email: user.email, email_verified: false });
    expect(id.exp! - id.iat!, 'ID token: 10 minutes').to.equal(600);

    const { payload: access } = await jwtVerify(tokens.AccessToken, jwks, { issuer });
    expect(access).to.include({ token_use: 'access', client_id: clientId, scope: 'aws.cognito.signin.user.admin' });
    // The pool signs in by e-mail address: the user name is the one Cognito generated, in both tokens.
    expect(access.username).to.be.a('string').and.equal(id['cognito:username']);
    expect(access.aud, 'an access token names its client in client_id, not aud').to.equal(undefined);
    expect(access.sub).to.equal(id.sub);
    expect(access.exp! - access.iat!, 'access token: 5 minutes').to.equal(300);
    expect(access.jti).to.be.a('string').and.not.equal(id.jti);
    expect(access.origin_jti).to.be.a('string').and.equal(id.origin_jti);

    // A refresh keeps the sign-in's origin_jti: revoking its refresh token reaches every token issued with it.
    const refreshed = await emulator().client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: tokens.RefreshToken }));
    expect(decodeJwt(refreshed.AuthenticationResult?.AccessToken as string).origin_jti).to.equal(access.origin_jti);
    const again = await signIn(clientId, user);
    expect(decodeJwt(again.AccessToken).origin_jti, 'another sign-in, another family').to.not.equal(access.origin_jti);
  });
});
