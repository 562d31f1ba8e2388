/** Names and origins shared by the bench's parent and its target processes (this module imports nothing). */

/** The host app's public origin (requests reach it through a proxy that says https). */
export const HOST_BASE_URL = 'https://shop.bench.test';
/** Where the host mounts `cognitoAuth()`. */
export const HOST_MOUNT_PATH = '/account';
/** The reference app's public origin; it mounts the package at `/`. */
export const APP_BASE_URL = 'https://app.bench.test';
/** express-openid-connect's baseURL; its callback is registered at the provider under this origin. */
export const OIDC_BASE_URL = 'https://eoc.bench.test';

/** The package's session cookie with a Secure cookie (its default in production): the guarded host page's. */
export const HOST_SESSION_COOKIE = '__Host-cognito.sid';
/** The reference app's session cookie in production. */
export const APP_SESSION_COOKIE = '__Host-sid';

export const BENCH_PASSWORD = 'Passw0rd!Bench';
export const SESSION_SECRET = 'bench-secret-bench-secret-bench-secret';
