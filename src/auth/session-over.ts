import type { UserService } from '../cognito/user-service';
import { CognitoAuthError } from '../errors';

/** True when the error means Cognito no longer accepts the session's tokens or its user. */
export function isSessionOver(err: unknown): boolean {
  return err instanceof CognitoAuthError && err.code === 'session_expired';
}

/**
 * Whether a refused password check really means the session is over. Cognito answers a wrong password,
 * a deleted user (with prevent-user-existence-errors) and a revoked token alike with NotAuthorized; a
 * GetUser with the session's access token tells them apart. Only a `current_password_wrong` is probed.
 */
export async function sessionOverBehind(err: unknown, users: Pick<UserService, 'getUser'>, accessToken: string): Promise<boolean> {
  if (isSessionOver(err)) return true;
  if (!(err instanceof CognitoAuthError && err.code === 'current_password_wrong')) return false;
  return users.getUser(accessToken).then(
    () => false,
    (probeErr: unknown) => isSessionOver(probeErr),
  );
}
