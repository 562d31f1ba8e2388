import type { Request } from 'express';
import { SESSION_KEY_PREFIX, sessionKeyOf } from './session-user';
import type { CognitoSessionState, CognitoUser } from './types';
import type { SessionTokens } from '../cognito/tokens';

/**
 * Whose sign-in a router reads and writes: its pool (the token issuer) and app client, and the session
 * key its state lives under.
 */
export interface SignInScope {
  readonly key: string;
  readonly issuer: string;
  readonly clientId: string;
}

/** The scope of the router signing in with `clientId` at `issuer`. */
export function signInScopeOf(settings: { issuer: string; clientId: string }): SignInScope {
  return { key: sessionKeyOf(settings.issuer, settings.clientId), issuer: settings.issuer, clientId: settings.clientId };
}

const SCOPE = Symbol('express-cognito-signin.scope');

type WithScope = Request & { [SCOPE]?: SignInScope };
type SessionRecord = Record<string, unknown>;

/**
 * Marks `req` as being handled by the router of `scope` (its own routes, `context()`, its guard): the
 * helpers below that take no scope read and write that router's state.
 */
export function enterScope(req: Request, scope: SignInScope): void {
  (req as WithScope)[SCOPE] = scope;
}

/** The scope of the router handling `req`, if one has. */
export function scopeOf(req: Request): SignInScope | undefined {
  return (req as WithScope)[SCOPE];
}

/** True when `value` is a state written by the router of `scope` (same pool, same client). */
function belongsTo(value: unknown, scope: SignInScope): value is CognitoSessionState {
  const s = value as Partial<CognitoSessionState> | null | undefined;
  return typeof s === 'object' && s !== null && s.issuer === scope.issuer && s.clientId === scope.clientId;
}

/**
 * The state of the router of `scope` (default: the router handling the request) in this request's
 * session, or undefined. Never creates it: a read must not turn an anonymous visitor's session into one
 * worth saving. A state under the key that another pool or client wrote counts as none.
 */
export function peekState(req: Request, scope: SignInScope | undefined = scopeOf(req)): CognitoSessionState | undefined {
  if (!scope) return undefined;
  const value = (req.session as unknown as SessionRecord | undefined)?.[scope.key];
  return belongsTo(value, scope) ? value : undefined;
}

/**
 * The state of the router of `scope` (default: the router handling the request), created when missing
 * (for a write). One that another pool or client wrote under the key is replaced.
 */
export function sessionState(req: Request, scope: SignInScope | undefined = scopeOf(req)): CognitoSessionState {
  if (!scope) throw new Error('no cognitoAuth() router handles this request: its session state cannot be written');
  const s = req.session as unknown as SessionRecord;
  const value = s[scope.key];
  if (belongsTo(value, scope)) return value;
  const fresh: CognitoSessionState = { issuer: scope.issuer, clientId: scope.clientId };
  s[scope.key] = fresh;
  return fresh;
}

/** Removes the state of the router of `scope` from this request's session. */
export function dropState(req: Request, scope: SignInScope): void {
  delete (req.session as unknown as SessionRecord)[scope.key];
}

/** The signed-in user of this session with their tokens, or undefined. */
export function signedInOf(req: Request, scope?: SignInScope): { user: CognitoUser; tokens: SessionTokens } | undefined {
  const state = peekState(req, scope ?? scopeOf(req));
  return state?.user && state.tokens ? { user: state.user, tokens: state.tokens } : undefined;
}

/** The signed-in user; for handlers behind the sign-in guard, where there always is one. */
export function userOf(req: Request): CognitoUser {
  const user = peekState(req)?.user;
  if (!user) throw new Error('no signed-in user: this handler must run behind the sign-in guard');
  return user;
}

/** The session's tokens; for handlers behind the sign-in guard. */
export function tokensOf(req: Request): SessionTokens {
  const tokens = peekState(req)?.tokens;
  if (!tokens) throw new Error('no tokens: this handler must run behind the sign-in guard');
  return tokens;
}

/** True for a session key that holds a router's state. */
export function isStateKey(key: string): boolean {
  return key.startsWith(SESSION_KEY_PREFIX);
}

/** Every router's state in a session as the store holds it, with its key. */
export function statesIn(sess: unknown): Array<[string, CognitoSessionState]> {
  if (typeof sess !== 'object' || sess === null) return [];
  return Object.entries(sess as SessionRecord).filter(
    (entry): entry is [string, CognitoSessionState] => isStateKey(entry[0]) && typeof entry[1] === 'object' && entry[1] !== null,
  );
}

/** True for a session (as the store holds it) in which some router has someone signed in. */
export function isSignedInSession(sess: unknown): boolean {
  return statesIn(sess).some(([, state]) => state.user !== undefined);
}

/** The state the router of `scope` keeps in a session as the store holds it, if any. */
export function stateOfStored(sess: unknown, scope: SignInScope): CognitoSessionState | undefined {
  const value = (sess as SessionRecord | null | undefined)?.[scope.key];
  return belongsTo(value, scope) ? value : undefined;
}
