import type { Request } from 'express';
import type { GlobalSignOutOutcome, RevocationOutcome } from '../cognito/sign-out';
import type { UserService } from '../cognito/user-service';
import type { EndedSession } from '../sessions/user-sessions';
import { CognitoAuthError } from '../errors';
import { logOf } from '../log';
import { stateOfStored, type SignInScope } from './session-state';
import { endSessionsOf, type SessionControl } from './start-session';

/** The account whose sessions end, and what this session holds of it. */
export interface AccountToSignOut {
  sub: string;
  /** Cognito's username (or an alias), for the admin sign-out. */
  username: string;
  /** This session's access token, for `GlobalSignOut` where the admin call is not allowed. */
  accessToken?: string | undefined;
  /** This session's refresh token, revoked with the others' where no global sign-out happened. */
  refreshToken?: string | undefined;
}

/** What the account sign-outs ask of Cognito. */
export type Revoker = Pick<UserService, 'signOutGlobally' | 'revokeRefreshTokens'>;

/**
 * No global sign-out: for ending the user's other sessions while this one keeps its tokens (a global
 * sign-out would revoke them too). Their refresh tokens are then revoked one by one.
 */
export const NO_GLOBAL_SIGN_OUT: GlobalSignOutOutcome = { global: undefined, failures: [] };

/**
 * A credential changed or the person asked to be signed out everywhere: revokes the user's tokens at
 * Cognito first (nothing there depends on the session store, so a store failure cannot leave them
 * valid), then ends the sessions of `account` (all, or all but `except`); see {@link endAccountSessions}.
 */
export async function signOutAccountEverywhere(
  req: Request,
  control: SessionControl,
  users: Revoker,
  account: AccountToSignOut,
  options: { except?: string; reason: string },
): Promise<{ ended: EndedSession[]; outcome: RevocationOutcome }> {
  const global = await users.signOutGlobally({ username: account.username, accessToken: account.accessToken });
  return endAccountSessions(req, control, users, account, global, options);
}

/**
 * Ends the sessions of `account` (all, or all but `except`) on every instance sharing the store, after
 * `global` (what Cognito already did). Where no global sign-out happened, the refresh tokens those
 * sessions held (and this session's) are revoked one by one. The sessions are listed twice: the second
 * time catches one that registered while the first pass ran (a sign-in finishing meanwhile, an id
 * regenerated), whose tokens the first pass never saw. A store failure is thrown (the 503 page) only
 * after Cognito was told what it could be, and logged with what was done.
 */
export async function endAccountSessions(
  req: Request,
  control: SessionControl,
  users: Revoker,
  account: AccountToSignOut,
  global: GlobalSignOutOutcome,
  options: { except?: string | undefined; reason: string },
): Promise<{ ended: EndedSession[]; outcome: RevocationOutcome }> {
  const outcome: RevocationOutcome = { global: global.global, revoked: 0, failures: [...global.failures] };
  const tried = new Set<string>();
  const revoke = async (tokens: Array<string | undefined>) => {
    if (global.global) return;
    // Each token once: this session's own comes back in the list of the account's sessions.
    const fresh = tokens.filter((token): token is string => token !== undefined && !tried.has(token));
    fresh.forEach((token) => tried.add(token));
    if (fresh.length === 0) return;
    const done = await users.revokeRefreshTokens(fresh);
    outcome.revoked += done.revoked;
    outcome.failures.push(...done.failures);
  };
  await revoke([account.refreshToken]);
  const ended: EndedSession[] = [];
  let storeFailure: { error: unknown } | undefined;
  for (let pass = 0; pass < 2 && storeFailure === undefined; pass += 1) {
    try {
      const batch = await endSessionsOf(req, control, account.sub, { except: options.except });
      ended.push(...batch);
      await revoke(batch.map((e) => refreshTokenOf(e, control.scope, account.sub)));
    } catch (err) {
      storeFailure = { error: err };
    }
  }
  const log = logOf(req);
  const entry = {
    reason: options.reason,
    sessionsEnded: ended.length,
    cognito: outcome.global ?? 'RevokeToken',
    revoked: outcome.revoked,
    failures: outcome.failures,
  };
  if (storeFailure !== undefined) {
    log.error(
      { ...entry, errName: (storeFailure.error as { cause?: { name?: string } }).cause?.name ?? 'Error' },
      'signed out at Cognito, but the session store failed: other sessions may live on',
    );
    throw storeFailure.error;
  }
  log.info(entry, 'signed out everywhere');
  return { ended, outcome };
}

/**
 * The refresh token an ended session held for `sub` at this router's pool and client, if any. Another
 * router's token in the same session is not this client's to revoke (RevokeToken takes only the client
 * that it was issued to).
 */
function refreshTokenOf(ended: EndedSession, scope: SignInScope, sub: string): string | undefined {
  const state = stateOfStored(ended.data, scope);
  return state?.user?.sub === sub ? state.tokens?.refreshToken : undefined;
}

/**
 * Ends one other session of `sub` (the "where you're signed in" page): marked ended, destroyed in the
 * store and out of the index, on every instance sharing the store; its refresh token is then revoked at
 * Cognito (RevokeToken: a global sign-out would end this session's tokens too). Nothing happens unless
 * the index lists `sid` under `sub`. Returns whether a session ended.
 */
export async function endOtherSession(req: Request, control: SessionControl, users: Revoker, sub: string, sid: string): Promise<boolean> {
  if (sid === req.sessionID) return false;
  let ended: EndedSession[];
  try {
    ended = await control.indexOf(req).endSessionsOf(sub, { only: sid });
  } catch (err) {
    throw err instanceof CognitoAuthError ? err : new CognitoAuthError('session_store_unavailable', 'session index failed', { cause: err });
  }
  const tokens = ended.map((e) => refreshTokenOf(e, control.scope, sub)).filter((t): t is string => t !== undefined);
  const outcome = tokens.length > 0 ? await users.revokeRefreshTokens(tokens) : { revoked: 0, failures: [] };
  logOf(req).info(
    { reason: 'one session ended by its user', sessionsEnded: ended.length, revoked: outcome.revoked, failures: outcome.failures },
    'session ended',
  );
  return ended.length > 0;
}
