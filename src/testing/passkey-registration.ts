import {
  CompleteWebAuthnRegistrationCommand,
  InitiateAuthCommand,
  StartWebAuthnRegistrationCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHashOf } from './emulator/secret-hash';
import { createPasskeyAuthenticator, type PasskeyAuthenticator, type PasskeyAuthenticatorOptions } from './passkeys';

/** Passkeys for tests without a browser: software authenticators, and passkeys registered through the API. */
export interface CognitoLocalPasskeys {
  /** A software authenticator whose ceremonies run at the kit's `baseUrl` unless `options.origin` says otherwise. */
  create(options?: PasskeyAuthenticatorOptions): PasskeyAuthenticator;
  /**
   * Registers a passkey for `user` as a profile page would (`StartWebAuthnRegistration`, the authenticator's
   * `create`, `CompleteWebAuthnRegistration`), signing in with the password first unless an access token is
   * given. Resolves with the authenticator that holds the passkey (a new one unless given) and its id.
   */
  register(
    user: { email: string; password: string } | { accessToken: string },
    authenticator?: PasskeyAuthenticator,
  ): Promise<{ authenticator: PasskeyAuthenticator; credentialId: string }>;
}

/** The kit's `cognito.passkeys` for one emulator and app client; authenticators act at `baseUrl`. */
export function createPasskeys(
  client: CognitoIdentityProviderClient,
  ids: { clientId: string; clientSecret: string | undefined },
  baseUrl: string,
): CognitoLocalPasskeys {
  const create = (options: PasskeyAuthenticatorOptions = {}) => createPasskeyAuthenticator({ origin: baseUrl, ...options });
  async function accessTokenOf(user: { email: string; password: string } | { accessToken: string }): Promise<string> {
    if ('accessToken' in user) return user.accessToken;
    const hash: Record<string, string> = ids.clientSecret ? { SECRET_HASH: secretHashOf(user.email, ids.clientId, ids.clientSecret) } : {};
    const res = await client.send(
      new InitiateAuthCommand({
        ClientId: ids.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password, ...hash },
      }),
    );
    const token = res.AuthenticationResult?.AccessToken;
    if (!token)
      throw new Error(`signing ${user.email} in to register a passkey asked for ${res.ChallengeName ?? 'more'}: pass { accessToken } instead`);
    return token;
  }
  return {
    create,
    async register(user, authenticator = create()) {
      const accessToken = await accessTokenOf(user);
      const { CredentialCreationOptions } = await client.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
      const credential = authenticator.create(CredentialCreationOptions as object);
      await client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }));
      return { authenticator, credentialId: credential.id };
    },
  };
}
