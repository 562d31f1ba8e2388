import { createHash } from 'node:crypto';
import Bowser from 'bowser';
import { userAgentOf } from '../../auth/session-device';
import { stateOfStored, type SignInScope } from '../../auth/session-state';
import type { SignInProvider } from '../../auth/types';
import type { StoredSession } from '../../sessions/user-sessions';

/** One row of the "where you're signed in" page. */
export interface SessionRow {
  /** Names the session in the page's forms: a hash of its id (the id itself never reaches a page). */
  handle: string;
  current: boolean;
  browser: string | undefined;
  os: string | undefined;
  provider: SignInProvider;
  identityProvider: string | undefined;
  signedInAt: number | undefined;
  lastActiveAt: number | undefined;
}

/** The handle a page names session `sid` by: not the id, which (with the secret) is the session's key. */
export function sessionHandleOf(sid: string): string {
  return createHash('sha256').update(sid).digest('base64url').slice(0, 22);
}

/** The browser and the operating system a user-agent string names (bowser), with major versions. */
export function describeUserAgent(ua: string | undefined): { browser: string | undefined; os: string | undefined } {
  if (!ua) return { browser: undefined, os: undefined };
  const parsed = Bowser.parse(ua);
  const major = (version: string | undefined) => version?.split('.')[0];
  const browser = parsed.browser.name ? [parsed.browser.name, major(parsed.browser.version)].filter(Boolean).join(' ') : undefined;
  const osVersion = parsed.os.versionName ?? (parsed.os.name === 'Windows' ? undefined : major(parsed.os.version));
  const os = parsed.os.name ? [parsed.os.name, osVersion].filter(Boolean).join(' ') : undefined;
  return { browser, os };
}

/**
 * The rows of the page: the sessions of `sub` in which this router's sign-in is `sub`'s (another
 * client's sign-in in the same index is not this page's), this one first, then the most recently used.
 */
export function sessionRowsOf(sessions: StoredSession[], scope: SignInScope, sub: string, currentSid: string): SessionRow[] {
  const rows: SessionRow[] = [];
  for (const { sid, data } of sessions) {
    const state = stateOfStored(data, scope);
    if (!state?.user || state.user.sub !== sub) continue;
    rows.push({
      handle: sessionHandleOf(sid),
      current: sid === currentSid,
      ...describeUserAgent(userAgentOf(state)),
      provider: state.user.provider,
      identityProvider: state.user.identityProvider,
      signedInAt: state.createdAt,
      lastActiveAt: state.lastSeenAt ?? state.createdAt,
    });
  }
  return rows.sort((a, b) => Number(b.current) - Number(a.current) || (b.lastActiveAt ?? 0) - (a.lastActiveAt ?? 0));
}

/** The sid among `sessions` that `handle` names, if any. */
export function sidOfHandle(sessions: StoredSession[], handle: string): string | undefined {
  return sessions.find((s) => sessionHandleOf(s.sid) === handle)?.sid;
}
