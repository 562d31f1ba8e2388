/**
 * express-cognito-signin: Amazon Cognito sign-in for server-rendered Express apps. Mount `cognitoAuth()`,
 * guard pages with `requiresAuth()`, read `req.cognito`. See docs/api.md.
 *
 * @packageDocumentation
 */
import { createCognitoAuth, type CognitoAuth } from './router/create-router';
import type { CognitoAuthOptions } from './router/options';

/**
 * Creates the sign-in router: Hosted UI (state, PKCE, nonce, JWKS-verified tokens) and the custom pages
 * (sign-up, sign-in, two-step codes, passwords, profile, e-mail, delete, sign out everywhere), in
 * Japanese and English. Mount it once at the root with `mountPath` (its pages live there, and `req.cognito`
 * is on every request), or at a path (`app.use('/account', auth)`): every link, form, redirect and
 * callback follows it.
 *
 * ```ts
 * app.use(cognitoAuth({ baseUrl: 'https://shop.example.com', mountPath: '/account', cognito, session: { store, secret } }));
 * app.get('/orders', requiresAuth(), (req, res) => res.send(req.cognito!.user!.email));
 * ```
 *
 * @throws {@link CognitoAuthError} `invalid_options` naming each bad option.
 */
export function cognitoAuth(options: CognitoAuthOptions): CognitoAuth {
  return createCognitoAuth(options);
}

export { requiresAuth } from './auth/context';
export { noStore, securityHeaders } from './router/security';
export type { CognitoContext, CognitoLocals, CognitoSignOutForm, CognitoTokens, RequiresAuthOptions } from './auth/context';
export type { CognitoAuth } from './router/create-router';
export type { CognitoAuthOptions, PagesOptions, RateLimitOptions, SessionOptions } from './router/options';
export type { Layout, LayoutPage, PartialName, RenderOptions, ViewName } from './router/render';
export type { RateLimits, RateLimitStoreFactory } from './router/routes/rate-limit';
export type { CognitoUser, SignInProvider } from './auth/types';
export type { LoggerLike } from './log';
export type { CognitoOptions } from './cognito/settings';
export type { Mailbox, MailboxEntry } from './cognito/mailbox';
export type { Locale } from './i18n';
export { HTTP_ORIGIN_MESSAGE, isHttpOrigin } from './urls/origin';
export { CognitoAuthError, CONFIGURATION_ERROR_CODES, ERROR_CODES, type ErrorCode } from './errors';
export {
  createMemoryStore,
  createRedisStore,
  createSqliteStore,
  type MemoryStoreOptions,
  type RedisStoreOptions,
  type SessionStoreHandle,
  type SqliteStoreOptions,
  type UserSessionIndex,
} from './sessions';
export { endUserSessions, type EndUserSessionsOptions } from './sessions/end-user-sessions';
