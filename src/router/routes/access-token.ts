import type { Request, RequestHandler, Response } from 'express';
import { asyncHandler } from '../../async-handler';
import { tokensOf } from '../../auth/session-state';
import { expireSession, type SessionControl } from '../../auth/start-session';
import { CognitoAuthError } from '../../errors';

/**
 * Makes a handler of a signed-in page (behind the sign-in guard) that works with the session's access
 * token. When Cognito no longer accepts the token (expired, revoked, the user deleted or disabled:
 * `session_expired`, wherever in the handler it surfaces), the session ends and the person goes to the
 * sign-in page with a notice. Any other failure goes to the error page, on every Express version.
 */
export function withAccessToken(
  sessions: SessionControl,
  handler: (req: Request, res: Response, accessToken: string) => Promise<unknown>,
): RequestHandler {
  return asyncHandler(async (req, res) => {
    try {
      await handler(req, res, tokensOf(req).accessToken);
    } catch (err) {
      if (err instanceof CognitoAuthError && err.code === 'session_expired') return expireSession(req, res, sessions);
      throw err;
    }
  });
}
