import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  AuthorizationCodeStore,
  CognitoError,
  fieldsOf,
  textOf,
  totp,
  verifyS256,
  type AppClient,
  type Context,
  type RouteTable,
  type User,
  type UserPoolService,
} from '../cognito-local';
import type { LayerDeps } from '../registry';
import { lifetimeOf, refreshTokens, type StoredClient } from '../targets/refresh';
import { policyViolation } from '../targets/password-policy';
import { newPasswordPage, pageLanguage, passwordPage, totpPage, type PageLanguage } from './pages';

/** The authorize request's parameters, carried through the sign-in steps. */
type AuthorizeFields = Record<
  'client_id' | 'redirect_uri' | 'response_type' | 'code_challenge' | 'code_challenge_method' | 'scope' | 'state' | 'lang',
  string
>;

interface PendingStep {
  step: 'totp' | 'new-password';
  fields: AuthorizeFields;
  userPoolId: string;
  username: string;
  expiresAt: number;
}

/** How long a sign-in may wait between its steps (Cognito's default auth session). */
const STEP_TIMEOUT_MS = 3 * 60_000;

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: 'invalid_request', error_description: message });
}

function authorizeFields(source: Record<string, unknown>): AuthorizeFields {
  const get = (key: string) => textOf(source[key]) ?? '';
  return {
    client_id: get('client_id'),
    redirect_uri: get('redirect_uri'),
    response_type: get('response_type'),
    code_challenge: get('code_challenge'),
    code_challenge_method: get('code_challenge_method'),
    scope: get('scope'),
    state: get('state'),
    lang: get('lang'),
  };
}

/** The client, or the reason the authorize request is refused (as cognito-local refuses it). */
async function checkAuthorize(ctx: Context, deps: LayerDeps, f: AuthorizeFields): Promise<AppClient | string> {
  if (!f.client_id) return 'Missing client_id';
  if (!f.redirect_uri) return 'Missing redirect_uri';
  if (f.response_type !== 'code') return 'response_type must be code';
  if (!f.code_challenge) return 'Missing code_challenge';
  if (f.code_challenge_method !== 'S256') return 'code_challenge_method must be S256';
  const client = await deps.services.cognito.getAppClient(ctx, f.client_id).catch(() => null);
  if (!client) return 'Invalid client_id';
  if (!(client.CallbackURLs ?? []).includes(f.redirect_uri)) return 'redirect_uri not registered for this client';
  return client;
}

/** Whether the account signs in with an authenticator-app code after the password, as InitiateAuth decides. */
function needsTotp(pool: UserPoolService, user: User): boolean {
  const mode = pool.options.MfaConfiguration;
  const hasTotp = (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA') && user.SoftwareTokenMfaConfiguration?.Verified === true;
  return hasTotp && mode !== 'OFF';
}

/** The client's credentials from HTTP Basic (`client_secret_basic`) or the form (`client_secret_post`). */
function clientCredentials(req: Request): { id?: string; secret?: string } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    ...(typeof body.client_id === 'string' ? { id: body.client_id } : {}),
    ...(typeof body.client_secret === 'string' ? { secret: body.client_secret } : {}),
  };
}

/** Whether the secret given matches the client's, compared in constant time; true for a client without one. */
function secretMatches(client: AppClient, given: string | undefined): boolean {
  if (!client.ClientSecret) return true;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(client.ClientSecret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The emulator's Hosted UI: the authorize endpoint's sign-in form and the token endpoint, in place of
 * cognito-local's. Beyond its one password form, the sign-in refuses a disabled or unconfirmed user, asks
 * for a new password where the password is temporary, asks for the authenticator-app code where the account
 * has two-step sign-in on, and speaks the language of `lang` (ja, en), as Managed Login does. The token
 * endpoint checks the client secret, stores the refresh token (so it refreshes and revokes like any
 * other), and refreshes through the same rules as the API (rotation and revocation included).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
export function attachHostedUi(app: RouteTable, deps: LayerDeps): void {
  const codes = new AuthorizationCodeStore();
  const pending = new Map<string, PendingStep>();
  const ctxOf = (req: Request): Context => ({ logger: (req as unknown as { log: Context['logger'] }).log });

  function issueCode(res: Response, f: AuthorizeFields, userPoolId: string, username: string): void {
    const code = codes.create({
      clientId: f.client_id,
      userPoolId,
      username,
      redirectUri: f.redirect_uri,
      codeChallenge: f.code_challenge,
      scope: f.scope,
      state: f.state || undefined,
    });
    const target = new URL(f.redirect_uri);
    target.searchParams.set('code', code);
    if (f.state) target.searchParams.set('state', f.state);
    res.redirect(target.toString());
  }

  function nextStep(res: Response, f: AuthorizeFields, pool: UserPoolService, user: User): void {
    const lang = pageLanguage(f.lang);
    const step = user.UserStatus === 'FORCE_CHANGE_PASSWORD' ? 'new-password' : needsTotp(pool, user) ? 'totp' : undefined;
    if (!step) return issueCode(res, f, pool.options.Id, user.Username);
    const session = randomBytes(24).toString('base64url');
    pending.set(session, { step, fields: f, userPoolId: pool.options.Id, username: user.Username, expiresAt: deps.clock.now() + STEP_TIMEOUT_MS });
    res
      .status(200)
      .type('text/html')
      .send(step === 'totp' ? totpPage(lang, session) : newPasswordPage(lang, session));
  }

  async function continueStep(req: Request, res: Response, session: string, lang: PageLanguage): Promise<void> {
    const ctx = ctxOf(req);
    const found = pending.get(session);
    if (!found || found.expiresAt < deps.clock.now()) {
      pending.delete(session);
      res
        .status(200)
        .type('text/html')
        .send(passwordPage(lang, authorizeFields(found?.fields ?? {}), 'expired'));
      return;
    }
    const pool = await deps.services.cognito.getUserPool(ctx, found.userPoolId);
    const user = await pool.getUserByUsername(ctx, found.username);
    if (!user)
      return void res
        .status(200)
        .type('text/html')
        .send(passwordPage(lang, found.fields, 'badCredentials'));
    if (found.step === 'totp') {
      const secret = user.SoftwareTokenMfaConfiguration?.Secret;
      const code = textOf(fieldsOf(req.body).code);
      if (!secret || code === undefined || !totp.verify(secret, code)) {
        return void res
          .status(200)
          .type('text/html')
          .send(totpPage(lang, session, 'badCode'));
      }
      pending.delete(session);
      return issueCode(res, found.fields, found.userPoolId, user.Username);
    }
    const password = textOf(fieldsOf(req.body).new_password) ?? '';
    const broken =
      policyViolation(pool, password) ??
      (password && password === password.trim() ? undefined : 'Password must not be empty or begin or end with a space');
    if (broken)
      return void res
        .status(200)
        .type('text/html')
        .send(newPasswordPage(lang, session, `Password did not conform with policy: ${broken}`));
    pending.delete(session);
    const updated: User = { ...user, Password: password, UserStatus: 'CONFIRMED', UserLastModifiedDate: deps.clock.get() };
    await pool.saveUser(ctx, updated);
    nextStep(res, found.fields, pool, updated);
  }

  app.get('/oauth2/authorize', async (req: Request, res: Response) => {
    const f = authorizeFields(req.query);
    const checked = await checkAuthorize(ctxOf(req), deps, f);
    if (typeof checked === 'string') return badRequest(res, checked);
    res
      .status(200)
      .type('text/html')
      .send(passwordPage(pageLanguage(f.lang), f));
  });

  app.post('/oauth2/authorize', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = pageLanguage(body.lang);
    if (typeof body.session === 'string') return continueStep(req, res, body.session, lang);
    const ctx = ctxOf(req);
    const f = authorizeFields(body);
    const checked = await checkAuthorize(ctx, deps, f);
    if (typeof checked === 'string') return badRequest(res, checked);
    if (typeof body.username !== 'string' || typeof body.password !== 'string') return badRequest(res, 'Missing required fields');
    const pool = await deps.services.cognito.getUserPoolForClientId(ctx, checked.ClientId);
    const user = await pool.getUserByUsername(ctx, body.username);
    const refuse = (message: 'badCredentials' | 'disabled' | 'notConfirmed') =>
      res
        .status(200)
        .type('text/html')
        .send(passwordPage(lang, f, message));
    if (!user || user.Password !== body.password) return refuse('badCredentials');
    if (user.Enabled === false) return refuse('disabled');
    if (user.UserStatus === 'UNCONFIRMED') return refuse('notConfirmed');
    nextStep(res, f, pool, user);
  });

  app.post('/oauth2/token', async (req: Request, res: Response) => {
    const ctx = ctxOf(req);
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const credentials = clientCredentials(req);
    const clientId = credentials.id ?? body.client_id;
    const client: StoredClient | null = clientId ? await deps.services.cognito.getAppClient(ctx, clientId) : null;
    if (!client || !secretMatches(client, credentials.secret)) return void res.status(400).json({ error: 'invalid_client' });
    const invalidGrant = (description: string) => res.status(400).json({ error: 'invalid_grant', error_description: description });
    if (body.grant_type === 'authorization_code') {
      const stored = body.code ? codes.consume(body.code) : null;
      if (!stored || stored.clientId !== client.ClientId || stored.redirectUri !== body.redirect_uri)
        return invalidGrant('Authorization code expired or invalid');
      if (!body.code_verifier || !verifyS256(body.code_verifier, stored.codeChallenge))
        return invalidGrant('code_verifier does not match code_challenge');
      const pool = await deps.services.cognito.getUserPool(ctx, stored.userPoolId);
      const user = await pool.getUserByUsername(ctx, stored.username);
      if (!user || user.Enabled === false) return invalidGrant('User not found or disabled');
      const tokens = await deps.services.tokenGenerator.generate(
        ctx,
        user,
        await pool.listUserGroupMembership(ctx, user),
        client,
        undefined,
        'HostedAuth',
      );
      await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
      return res.status(200).json({
        access_token: tokens.AccessToken,
        id_token: tokens.IdToken,
        refresh_token: tokens.RefreshToken,
        token_type: 'Bearer',
        expires_in: lifetimeOf(tokens.AccessToken),
      });
    }
    if (body.grant_type === 'refresh_token') {
      try {
        const result = await refreshTokens(ctx, deps, { ClientId: client.ClientId, RefreshToken: body.refresh_token }, 'token-endpoint');
        return res.status(200).json({
          access_token: result.AccessToken,
          id_token: result.IdToken,
          ...(result.RefreshToken ? { refresh_token: result.RefreshToken } : {}),
          token_type: 'Bearer',
          expires_in: result.ExpiresIn,
        });
      } catch (err) {
        if (err instanceof CognitoError) return invalidGrant(err.message);
        throw err;
      }
    }
    res.status(400).json({ error: 'unsupported_grant_type', error_description: `Unsupported grant_type: ${String(body.grant_type)}` });
  });
}
