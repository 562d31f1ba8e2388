/** Longest `returnTo` kept (before and after normalising); anything longer falls back to the default page. */
const MAX_LENGTH = 512;

/** A placeholder origin to resolve paths against: a path that resolves elsewhere is not same-origin. */
const BASE = 'http://same-origin.invalid';

/**
 * Returns the same-origin path (`/profile?tab=1`) that a redirect to `value` should send, or undefined
 * when `value` could lead anywhere else. Absolute URLs, scheme-relative `//host`, backslashes (browsers
 * read `/\host` as `//host`), control characters and their percent-encoded forms are refused, and so is
 * anything whose normalised form is one of those: `/%2e//evil.example` and `/..//evil.example` resolve
 * to `//evil.example`. The result is stable: judging it again returns it unchanged, so a value kept
 * (in a session, in the Hosted UI state) and judged again on the way back is the same path.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  if (!isPlainPath(value)) return undefined;
  // Judge what will actually be sent, not only what came in.
  const normalised = normalisePath(value);
  if (normalised === undefined || normalised.length > MAX_LENGTH || !isPlainPath(normalised)) return undefined;
  return normalisePath(normalised) === normalised ? normalised : undefined;
}

/** The path, query and fragment a browser would request for `value`, if it stays on the origin. */
function normalisePath(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  return url.pathname + url.search + url.hash;
}

/**
 * True when `value`, as is and once or twice percent-decoded (some servers and proxies decode again),
 * starts with exactly one `/` and holds no backslash or control character.
 */
function isPlainPath(value: string): boolean {
  const forms = [value];
  try {
    // Decode twice so that %252F%252F… is judged like //…
    forms.push(decodeURIComponent(value));
    forms.push(decodeURIComponent(forms[1] as string));
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- refuses control characters on purpose
  return forms.every((form) => form.startsWith('/') && !form.startsWith('//') && !/[\\\u0000-\u001f\u007f]/.test(form));
}
