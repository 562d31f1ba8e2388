/** Longest `returnTo` kept; anything longer falls back to the default page. */
const MAX_LENGTH = 512;

/**
 * Returns `value` if it is a same-origin path (`/profile?tab=1`), otherwise undefined. Absolute URLs,
 * scheme-relative `//host`, backslashes (browsers read `/\host` as `//host`), control characters and
 * their percent-encoded forms are all refused.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  let decoded = value;
  try {
    // Decode twice so that %252F%252F… is judged like //…
    decoded = decodeURIComponent(decodeURIComponent(value));
  } catch {
    return undefined;
  }
  for (const candidate of [value, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//')) return undefined;
    if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return undefined;
  }
  // Resolve against a placeholder origin: a path that escapes it is not same-origin.
  const base = 'http://same-origin.invalid';
  const url = new URL(value, base);
  if (url.origin !== base) return undefined;
  return url.pathname + url.search + url.hash;
}
