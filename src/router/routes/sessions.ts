import { Router, type Request } from 'express';
import type session from 'express-session';
import { asyncHandler } from '../../async-handler';
import { endAccountSessions, endOtherSession, NO_GLOBAL_SIGN_OUT } from '../../auth/account-sign-out';
import { userOf } from '../../auth/session-state';
import { CognitoAuthError } from '../../errors';
import type { StoredSession } from '../../sessions/user-sessions';
import { sendView, type ViewName } from '../render';
import { setNotice, type AccountRouteDeps } from './forms';
import { sessionRowsOf, sidOfHandle } from './session-list';

/** The "where you're signed in" page and its two forms, below the mount (see page-groups.ts). */
export const SESSIONS_PATHS = ['/profile/sessions', '/profile/sessions/end', '/profile/sessions/end-others'] as const;

/** The page's template (views/profile-sessions.ejs). */
const VIEW: ViewName = 'profile-sessions';

/**
 * "Where you're signed in": every session of the signed-in user, from the per-user index, with the
 * browser and system, how and when they signed in and when the session was last used; each other one
 * can be ended, or all of them at once. Where the store keeps no index the package can see (a host's own
 * store it does not know), the page says so rather than showing only this session.
 */
export function createSessionsRouter(deps: Pick<AccountRouteDeps, 'users' | 'sessions' | 'urls' | 'requireAuth'>): Router {
  const router = Router();
  const { users, urls, sessions: control } = deps;
  const requireAuth = deps.requireAuth();
  const page = urls.to('/profile/sessions');

  /** The user's sessions as stored, with this one as this request has it (its last use may be newer). */
  async function sessionsOf(req: Request, sub: string): Promise<StoredSession[]> {
    let stored: StoredSession[];
    try {
      stored = await control.indexOf(req).sessionsOf(sub);
    } catch (err) {
      throw err instanceof CognitoAuthError ? err : new CognitoAuthError('session_store_unavailable', 'session index failed', { cause: err });
    }
    const current = { sid: req.sessionID, data: req.session as unknown as session.SessionData };
    return [current, ...stored.filter((s) => s.sid !== req.sessionID)];
  }

  /* GET /profile/sessions — signed in only: the list, this device first. */
  router.get(
    '/profile/sessions',
    requireAuth,
    asyncHandler(async (req, res) => {
      const known = control.indexOf(req).known;
      const user = userOf(req);
      const rows = known ? sessionRowsOf(await sessionsOf(req, user.sub), control.scope, user.sub, req.sessionID) : [];
      sendView(res, VIEW, 200, { known, rows });
    }),
  );

  router.get('/profile/sessions/end', (_req, res) => res.redirect(303, page));
  router.get('/profile/sessions/end-others', (_req, res) => res.redirect(303, page));

  /*
   * POST /profile/sessions/end — ends the one other session the form names (by its handle): marked ended
   * first, so that a request of it in flight cannot bring it back; its refresh token revoked.
   */
  router.post(
    '/profile/sessions/end',
    requireAuth,
    asyncHandler(async (req, res) => {
      const user = userOf(req);
      const handle = (req.body as { session?: unknown } | undefined)?.session;
      const sid = typeof handle === 'string' ? sidOfHandle(await sessionsOf(req, user.sub), handle) : undefined;
      const ended = sid !== undefined && (await endOtherSession(req, control, users, user.sub, sid));
      setNotice(req, ended ? 'sessions.ended' : 'sessions.alreadyEnded');
      res.redirect(303, page);
    }),
  );

  /* POST /profile/sessions/end-others — ends every session of the user but this one, which keeps its tokens. */
  router.post(
    '/profile/sessions/end-others',
    requireAuth,
    asyncHandler(async (req, res) => {
      const user = userOf(req);
      await endAccountSessions(req, control, users, { sub: user.sub, username: user.username }, NO_GLOBAL_SIGN_OUT, {
        except: req.sessionID,
        reason: 'signed out everywhere else',
      });
      setNotice(req, 'sessions.othersEnded');
      res.redirect(303, page);
    }),
  );

  return router;
}
