import type { Request, Response } from 'express';
import { endSession } from '../auth/start-session';

/**
 * Cognito no longer accepts the session's access token (expired or revoked): end the session and send
 * the person to sign in again, coming back to the page they were on.
 */
export async function expireSession(req: Request, res: Response, cookieName: string): Promise<void> {
  const back = req.method === 'GET' ? req.originalUrl : '/profile';
  await endSession(req, res, cookieName);
  res.redirect(303, `/login?returnTo=${encodeURIComponent(back)}&notice=session_expired`);
}
