import type { JWTPayload } from 'jose';
import type { SentCommand } from './client-double';

/** The claims of a Google user's ID token (Cognito's `identities` claim), on top of a valid token's. */
export const asGoogleUser = (valid: JWTPayload): JWTPayload => ({
  ...valid,
  'cognito:username': 'Google_113300',
  identities: [{ userId: '113300', providerName: 'Google', providerType: 'Google', issuer: null, primary: 'true', dateCreated: '1700000000000' }],
});

/**
 * GetUser as Cognito answers it for that Google user, with these attributes (the test issuer answers no API
 * call); every other command is left to the client double's default.
 */
export function answerGetUserAs(attributes: Record<string, string>): (command: SentCommand) => Promise<unknown> | undefined {
  return (command) => {
    if (command.name !== 'GetUserCommand') return undefined;
    return Promise.resolve({
      Username: 'Google_113300',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      UserMFASettingList: [],
    });
  };
}
