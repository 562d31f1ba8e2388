/** What a value that is not an origin is told: the option's or the variable's name goes before it. */
export const HTTP_ORIGIN_MESSAGE = 'must be an http(s) origin such as https://app.example.com, without a path';

/**
 * True for an http(s) origin such as `https://app.example.com` (a trailing slash allowed): no path, query
 * or fragment, since the package appends its own paths to it. The one check behind `cognitoAuth()`'s
 * `baseUrl` and `cognito.domain` and the reference app's `APP_BASE_URL` and `COGNITO_ENDPOINT`.
 */
export function isHttpOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.pathname.replace(/\/+$/, '') === '' && !u.search && !u.hash;
  } catch {
    return false;
  }
}
