import type { CookieOptions, Request, Response } from 'express';
import type { RevocationOutcome } from '../cognito/sign-out';
import type { UserService } from '../cognito/user-service';
import { AppError } from '../errors';
import { indexedStoreOf } from '../sessions/indexed-store';
import type { EndedSession } from '../sessions/user-sessions';
import type { SessionTokens } from './session-user';

/** What a successful sign-in (either path) or a password change hands to {@link startSession}. */
export interface SignedIn {
  user: Express.User;
  tokens: SessionTokens;
  /** The verified ID token's claims. */
  claims: Record<string, unknown>;
}

/** Notices the sign-in page shows from its query (the session that could carry them has ended). */
export type SignInNotice = 'session_expired' | 'signed_out_everywhere' | 'signed_in_required';

/**
 * Starts a new session for a signed-in user: `req.logIn` regenerates the session id (Passport ≥ 0.6), so
 * nothing from before sign-in (or before a password change) carries over; then the tokens and claims are
 * kept server-side beside the user, the lifetimes start at `now` (ms; the absolute one at `signedInAt`
 * when a password change keeps it), and the new id joins the user's index (the old one leaves it).
 */
export function startSession(req: Request, signedIn: SignedIn, now: number, options: { signedInAt?: number } = {}): Promise<void> {
  const store = indexedStoreOf(req);
  const previous = req.user ? { sub: req.user.sub, sid: req.sessionID } : undefined;
  return new Promise<void>((resolve, reject) => {
    req.logIn(signedIn.user, (err) => {
      if (err) return reject(err);
      req.session.tokens = signedIn.tokens;
      req.session.idClaims = signedIn.claims;
      req.session.createdAt = options.signedInAt ?? now;
      req.session.lastSeenAt = now;
      resolve();
    });
  }).then(() =>
    storeCall(async () => {
      if (previous) await store.unregister(previous.sub, previous.sid);
      await store.register(signedIn.user.sub, req.sessionID, req.session.createdAt as number);
    }),
  );
}

/**
 * Ends the session: Passport's logout, the session destroyed in the store and taken out of the user's
 * index, and its cookie cleared with the attributes it was set with (a `__Host-` cookie is only
 * replaced by one that is `Secure` with `Path=/`, so a bare clear would leave it in the browser).
 */
export function endSession(req: Request, res: Response, cookieName: string): Promise<void> {
  const store = indexedStoreOf(req);
  const cookie = cookieAttributesOf(req);
  const owner = req.user ? { sub: req.user.sub, sid: req.sessionID } : undefined;
  return new Promise<void>((resolve, reject) => {
    req.logout((logoutErr) => {
      if (logoutErr) return reject(logoutErr);
      req.session.destroy((destroyErr) => {
        if (destroyErr) return reject(destroyErr);
        res.clearCookie(cookieName, cookie);
        resolve();
      });
    });
  }).then(() => storeCall(async () => (owner ? store.unregister(owner.sub, owner.sid) : undefined)));
}

/**
 * Cognito no longer accepts the session's tokens (expired or revoked refresh token, a user deleted,
 * disabled or signed out everywhere): end the session and send the person to sign in again, coming back
 * to the page they were on.
 */
export async function expireSession(req: Request, res: Response, cookieName: string): Promise<void> {
  const back = req.method === 'GET' ? req.originalUrl : '/profile';
  await endSession(req, res, cookieName);
  res.redirect(303, signInPath({ returnTo: back, notice: 'session_expired' }));
}

/**
 * Ends the sessions of the user `sub` on every instance sharing the store, but `except` (the one that
 * stays signed in after a password change). Returns what they held, so that their tokens can be revoked.
 */
export function endSessionsOf(req: Request, sub: string, options: { except?: string } = {}): Promise<EndedSession[]> {
  const store = indexedStoreOf(req);
  return storeCall(() => store.endSessionsOf(sub, options));
}

/**
 * A credential changed: ends the sessions of `account` (all, or all but `except`) and revokes the user's
 * tokens at Cognito as far as the client may, logging how (exception names only).
 */
export async function signOutAccountEverywhere(
  req: Request,
  users: Pick<UserService, 'signOutEverywhere'>,
  account: { sub: string; username: string; accessToken?: string | undefined; refreshToken?: string | undefined },
  options: { except?: string; reason: string },
): Promise<{ ended: EndedSession[]; outcome: RevocationOutcome }> {
  const ended = await endSessionsOf(req, account.sub, { except: options.except });
  const outcome = await users.signOutEverywhere({
    username: account.username,
    accessToken: account.accessToken,
    refreshTokens: [account.refreshToken, ...ended.map((e) => e.data?.tokens?.refreshToken)],
  });
  req.log?.info(
    { reason: options.reason, sessionsEnded: ended.length, cognito: outcome.global ?? 'RevokeToken', revoked: outcome.revoked, failures: outcome.failures },
    'signed out everywhere',
  );
  return { ended, outcome };
}

/** The custom sign-in page, with where to go afterwards and a notice key for the page to show. */
export function signInPath(options: { returnTo?: string | undefined; notice?: SignInNotice | undefined }): string {
  const params = new URLSearchParams();
  if (options.returnTo) params.set('returnTo', options.returnTo);
  if (options.notice) params.set('notice', options.notice);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}

/** The session cookie's own attributes, as express-session set them (expiry aside). */
function cookieAttributesOf(req: Request): CookieOptions {
  const c = req.session.cookie;
  return {
    path: c.path ?? '/',
    domain: c.domain,
    secure: c.secure === true,
    httpOnly: c.httpOnly !== false,
    sameSite: c.sameSite,
  };
}

/** A session-store failure is the store's (503 page), not a bug. */
async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof AppError ? err : new AppError('session_store_unavailable', 'session index failed', { cause: err });
  }
}
