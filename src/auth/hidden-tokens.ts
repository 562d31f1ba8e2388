import type session from 'express-session';
import { isStateKey, statesIn } from './session-state';
import type { CognitoSessionState } from './types';

/**
 * The parts of a router's state that an ordinary request never changes and that make up most of its bytes:
 * the tokens (three JWTs, about four fifths of a signed-in session), and the copy of the ID token's claims
 * that sessions written before the claims were read from the token still carry.
 */
const KEPT_ASIDE = ['tokens', 'claims'] as const;

/**
 * Makes the tokens and claims of each router state in a session that the package's own express-session
 * just loaded non-enumerable: they stay where they are (`state.tokens` reads as before, with no store
 * call), but express-session's change check, which stringifies and hashes the whole session three times per
 * request, no longer covers them. A change to them must go through {@link putTokens}, which makes the
 * property enumerable again so that the session is saved; {@link withTokensInline} puts them back into
 * what is written.
 */
export function hideTokens(sess: session.SessionData): void {
  // Runs on every request that has a session: a plain loop rather than statesIn's entries and filter.
  const record = sess as unknown as Record<string, unknown>;
  for (const name in record) {
    const state = record[name];
    if (!isStateKey(name) || typeof state !== 'object' || state === null) continue;
    for (const key of KEPT_ASIDE) {
      if (!Object.prototype.propertyIsEnumerable.call(state, key)) continue;
      Object.defineProperty(state, key, { value: (state as Record<string, unknown>)[key], writable: true, enumerable: false, configurable: true });
    }
  }
}

/** Sets a state's tokens so that express-session sees the change (and saves the session). */
export function putTokens(state: CognitoSessionState, tokens: CognitoSessionState['tokens']): void {
  delete state.tokens;
  state.tokens = tokens;
}

/**
 * What the store must write for `sess`: `sess` itself when nothing in it is hidden (the usual save, of a
 * session whose tokens changed or that was just signed in), else a copy with the hidden parts inline again.
 */
export function withTokensInline(sess: session.SessionData): session.SessionData {
  let copy: Record<string, unknown> | undefined;
  for (const [key, state] of statesIn(sess)) {
    const hidden = KEPT_ASIDE.filter((k) => Object.hasOwn(state, k) && !Object.prototype.propertyIsEnumerable.call(state, k));
    if (hidden.length === 0) continue;
    copy ??= { ...sess };
    const inline: Record<string, unknown> = { ...state };
    for (const k of hidden) inline[k] = (state as unknown as Record<string, unknown>)[k];
    copy[key] = inline;
  }
  return (copy as session.SessionData | undefined) ?? sess;
}
