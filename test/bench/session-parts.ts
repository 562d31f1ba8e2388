import { statesIn } from '../../src/auth/session-state';

/** One named part of a stored session and the bytes of JSON it takes (its key included). */
export interface SessionPart {
  name: string;
  bytes: number;
}

const entryBytes = (key: string, value: unknown) => JSON.stringify({ [key]: value }).length - 2 + 1;

/**
 * The package's stored session (express-session's cookie left out), part by part: each token, the
 * tokens' expiry times, the ID token's claims, the user, the rest of the router's state (lifetimes, CSRF
 * token, …) and whatever else the session holds. The parts add up to the whole, give or take a comma.
 */
export function sessionParts(data: Record<string, unknown>): SessionPart[] {
  const parts: SessionPart[] = [];
  const states = statesIn(data);
  const rest = { ...data };
  for (const [key, state] of states) {
    delete rest[key];
    const { tokens, claims, user, ...others } = state as unknown as Record<string, unknown>;
    const t = (tokens ?? {}) as Record<string, unknown>;
    const { idToken, accessToken, refreshToken, ...times } = t;
    parts.push({ name: 'ID token', bytes: entryBytes('idToken', idToken) });
    parts.push({ name: 'access token', bytes: entryBytes('accessToken', accessToken) });
    parts.push({ name: 'refresh token', bytes: entryBytes('refreshToken', refreshToken) });
    parts.push({ name: 'token expiry times', bytes: entryBytes('tokens', times) - 2 });
    if (claims !== undefined) parts.push({ name: 'ID token claims', bytes: entryBytes('claims', claims) });
    parts.push({ name: 'user', bytes: entryBytes('user', user) });
    parts.push({ name: 'sign-in state (lifetimes, CSRF token, pool and client)', bytes: entryBytes(key, others) });
  }
  if (Object.keys(rest).length > 0) parts.push({ name: 'other session data', bytes: JSON.stringify(rest).length });
  return parts;
}

/** "3318 bytes: ID token 960, …" */
export function describeParts(parts: SessionPart[]): string {
  const total = parts.reduce((n, p) => n + p.bytes, 0);
  return `about ${total} bytes: ${parts.map((p) => `${p.name} ${p.bytes}`).join(', ')}`;
}
