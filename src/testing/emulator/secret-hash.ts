import { createHmac } from 'node:crypto';

/**
 * Cognito's SECRET_HASH: Base64 of HMAC-SHA256 over the username followed by the client id, keyed with
 * the client secret.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
export function secretHashOf(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}
