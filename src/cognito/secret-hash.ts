import { createHmac } from 'node:crypto';

/**
 * Cognito's SECRET_HASH: Base64(HMAC-SHA256(key = client secret, message = username + client id)).
 * Required on every user-pool API call that names a user when the app client has a secret.
 */
export function computeSecretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

/** The SECRET_HASH entry of AuthParameters / ChallengeResponses, when the client has a secret. */
export function withSecretHash(hash: string | undefined): Record<string, string> {
  return hash === undefined ? {} : { SECRET_HASH: hash };
}
