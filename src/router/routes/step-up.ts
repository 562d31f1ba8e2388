import type { Request, Response } from 'express';
import { displayNameOf } from '../../cognito/federation';
import type { MountUrls } from '../../urls/mount-urls';
import { signedInFromApiTokens } from '../../auth/password';
import { logOf } from '../../log';
import { isSessionOver, sessionOverBehind } from '../../auth/session-over';
import { peekState, tokensOf, userOf } from '../../auth/session-state';
import { startSession, type SessionControl, type SignedIn } from '../../auth/start-session';
import { visitorOf } from '../../auth/visitor';
import { claimsOfVerifiedIdToken, type TokenVerifier } from '../../cognito/tokens';
import type { UserService } from '../../cognito/user-service';
import type { ApiTokens } from '../../cognito/sign-in-result';
import { CognitoAuthError, isFormError, type ErrorCode } from '../../errors';
import type { MessageKey } from '../../i18n';
import type { Clock } from '../../auth/lifetimes';
import { countAsCodeAttempt, countAsSignInAttempt } from './count-failures';
import { fields, parseForm } from './forms';
import type { RateLimiters } from './rate-limit';

/**
 * How long a federated account's sign-in counts as fresh enough for a sensitive change: its ID token's
 * `auth_time` no older than this. Such an account has no Cognito password to ask for.
 */
export const RECENT_SIGN_IN_MS = 5 * 60 * 1000;

/** What the step-up partial (`views/partials/step-up.ejs`) shows above a sensitive form's button. */
export type StepUpForm =
  /** The pool's own account: its current password, and a code from its authenticator app when TOTP is on. */
  | { kind: 'password'; code: boolean; username: string }
  /**
   * A federated account: fine as it is after a recent sign-in; otherwise a link that signs in again
   * through its provider and comes back to the page.
   */
  | { kind: 'provider'; recent: boolean; provider: string; href: string };

/** The outcome of a step-up: fresh tokens in the session, or the form to show again. */
export type StepUpResult =
  | { ok: true; accessToken: string }
  | { ok: false; status: number; stepUp: StepUpForm; fieldErrors: Partial<Record<string, MessageKey>>; error?: ErrorCode | undefined };

/** Re-authentication before a sensitive change (ASVS 5.0 V7.5.1), for every form that makes one. */
export interface StepUp {
  /**
   * What the form asks for. `totpEnabled` when the page already knows; otherwise Cognito is asked.
   * `returnTo` is the page a federated account's fresh sign-in comes back to.
   */
  form(req: Request, accessToken: string, options: { returnTo: string; totpEnabled?: boolean | undefined }): Promise<StepUpForm>;
  /**
   * Re-authenticates the signed-in person with the body's `currentPassword` (and `code`) by running
   * Cognito's own sign-in again, on the sign-in API the pages use (AdminInitiateAuth
   * ADMIN_USER_PASSWORD_AUTH, or InitiateAuth USER_PASSWORD_AUTH with `signInApi: 'public'`), then the
   * SOFTWARE_TOKEN_MFA challenge when Cognito asks for it. Cognito judges both; the code is never checked here. The fresh tokens
   * replace the session's (a new session id; the sign-in's absolute lifetime kept) and the old refresh
   * token is revoked. Attempts count like the sign-in's: per address and IP, and wrong codes per account.
   * A federated account passes after a recent sign-in only. `totpEnabled` when the handler has just
   * asked Cognito; otherwise the step-up asks.
   *
   * @throws CognitoAuthError `session_expired` when the account is gone, disabled or reset; `rate_limited` (429).
   */
  confirm(req: Request, res: Response, accessToken: string, options: { returnTo: string; totpEnabled?: boolean | undefined }): Promise<StepUpResult>;
}

/** What a step-up is built from (the custom pages' own dependencies). */
export interface StepUpDeps {
  users: Pick<UserService, 'signIn' | 'answerTotpChallenge' | 'getUser' | 'totpEnabled' | 'revokeRefreshTokens'>;
  verifier: TokenVerifier;
  limiters: Pick<RateLimiters, 'signInFailures' | 'mfaFailuresPerAccount'>;
  sessions: SessionControl;
  urls: MountUrls;
  clock: Clock;
  /** The providers `/login/hosted?provider=` accepts: a federated account's fresh sign-in goes straight to its own. */
  identityProviders?: readonly string[] | undefined;
}

/** Creates the step-up of one router. */
export function createStepUp(deps: StepUpDeps): StepUp {
  const { users } = deps;

  function providerForm(req: Request, provider: string, returnTo: string): StepUpForm {
    // The ID token's auth_time survives a refresh (OpenID Connect, Cognito); an issuer that renews it is
    // held to the session's own sign-in time, since no authentication happened after that.
    const authTime = claimsOfVerifiedIdToken(tokensOf(req).idToken).auth_time;
    const signedInAt = peekState(req)?.createdAt;
    const authMs = typeof authTime === 'number' ? Math.min(authTime * 1000, signedInAt ?? Infinity) : undefined;
    const recent = authMs !== undefined && deps.clock() - authMs <= RECENT_SIGN_IN_MS;
    const query = new URLSearchParams();
    // `/login/hosted` refuses a provider it does not offer: the Hosted UI's own page then lists them.
    if (deps.identityProviders?.includes(provider)) query.set('provider', provider);
    query.set('returnTo', returnTo);
    return { kind: 'provider', recent, provider: displayNameOf(provider), href: `${deps.urls.to('/login/hosted')}?${query.toString()}` };
  }

  async function form(req: Request, accessToken: string, options: { returnTo: string; totpEnabled?: boolean | undefined }): Promise<StepUpForm> {
    const user = userOf(req);
    if (user.identityProvider) return providerForm(req, user.identityProvider, options.returnTo);
    const code = options.totpEnabled ?? (await users.totpEnabled(accessToken));
    return { kind: 'password', code, username: user.email ?? user.username };
  }

  async function confirm(
    req: Request,
    res: Response,
    accessToken: string,
    options: { returnTo: string; totpEnabled?: boolean | undefined },
  ): Promise<StepUpResult> {
    const user = userOf(req);
    if (user.identityProvider) {
      const stepUp = providerForm(req, user.identityProvider, options.returnTo);
      if (stepUp.kind === 'provider' && stepUp.recent) return { ok: true, accessToken };
      return { ok: false, status: 403, stepUp, fieldErrors: {}, error: 'reauthentication_required' };
    }
    const totpEnabled = options.totpEnabled ?? (await users.totpEnabled(accessToken));
    const stepUp: StepUpForm = { kind: 'password', code: totpEnabled, username: user.email ?? user.username };
    const refuse = (
      status: number,
      fieldErrors: Partial<Record<string, MessageKey>>,
      error?: ErrorCode,
      shown: StepUpForm = stepUp,
    ): StepUpResult => ({
      ok: false,
      status,
      stepUp: shown,
      fieldErrors,
      error,
    });
    const parsed = parseForm({ currentPassword: fields.password, ...(totpEnabled ? { code: fields.totp } : {}) }, req.body);
    if (!parsed.ok) return refuse(400, parsed.fieldErrors);
    const { currentPassword } = parsed.data;
    const code = (parsed.data as { code?: string }).code;
    const visitor = visitorOf(req);

    await countAsSignInAttempt(req, res, deps.limiters.signInFailures, user.email ?? user.username);
    let tokens: ApiTokens;
    try {
      // The account's Cognito username, never the session's address: that may have changed since.
      const result = await users.signIn(user.username, currentPassword, visitor);
      if (result.kind === 'new-password-required') throw new CognitoAuthError('session_expired', 'step-up: the account needs a new password');
      if (result.kind === 'tokens') {
        tokens = result.tokens;
      } else {
        // Two-step sign-in was switched on since the page asked: Cognito wants a code, so the form does too.
        if (code === undefined) return refuse(400, { code: 'form.required' }, undefined, { ...stepUp, code: true });
        await countAsCodeAttempt(req, res, deps.limiters.mfaFailuresPerAccount, result.username);
        tokens = await users.answerTotpChallenge(result.username, result.session, code, visitor);
      }
    } catch (err) {
      const mapped = stepUpError(err);
      if (await sessionOverBehind(mapped, users, accessToken))
        throw new CognitoAuthError('session_expired', 'step-up: the session is over', { cause: err });
      // A challenge refused outright (NotAuthorized) right after Cognito made it: a disabled or deleted
      // user ends the session; otherwise the code was not taken.
      if (mapped instanceof CognitoAuthError && mapped.code === 'mfa_expired') {
        const over = await users.getUser(accessToken).then(
          () => false,
          (probeErr: unknown) => isSessionOver(probeErr),
        );
        if (over) throw new CognitoAuthError('session_expired', 'step-up: challenge refused', { cause: err });
        return refuse(400, { code: 'error.mfa_code_mismatch' }, 'mfa_code_mismatch');
      }
      if (mapped instanceof CognitoAuthError && mapped.code === 'current_password_wrong')
        return refuse(400, { currentPassword: 'error.current_password_wrong' }, mapped.code);
      if (mapped instanceof CognitoAuthError && mapped.code === 'mfa_code_mismatch')
        return refuse(400, { code: 'error.mfa_code_mismatch' }, mapped.code);
      if (isFormError(mapped)) return refuse(mapped.status, {}, mapped.code);
      throw mapped;
    }
    return { ok: true, accessToken: await keepFreshTokens(req, tokens) };
  }

  /**
   * Puts the re-authentication's tokens in the session in place of the old ones (a new session id, the
   * sign-in's absolute lifetime kept), then revokes the old refresh token. Tokens of another account (which
   * a sign-in by this account's username cannot give) are revoked and refused.
   */
  async function keepFreshTokens(req: Request, tokens: ApiTokens): Promise<string> {
    const before = peekState(req);
    const user = userOf(req);
    let signedIn: SignedIn;
    try {
      signedIn = await signedInFromApiTokens(deps.verifier, tokens);
      if (signedIn.user.sub !== user.sub) throw new CognitoAuthError('internal', 'step-up: the re-authentication signed in another account');
      await startSession(req, deps.sessions, signedIn, deps.clock(), { signedInAt: before?.createdAt });
    } catch (err) {
      await users.revokeRefreshTokens([tokens.refreshToken]);
      throw err;
    }
    const revoked = await users.revokeRefreshTokens([before?.tokens?.refreshToken]);
    if (revoked.failures.length > 0)
      logOf(req).warn({ failures: revoked.failures }, 'step-up: the old refresh token was not revoked; it ends with its own lifetime');
    return signedIn.tokens.accessToken;
  }

  return { form, confirm };
}

/**
 * The sign-in's failures as a step-up shows them: a wrong password (or an unknown user, which
 * {@link sessionOverBehind} then tells apart) is the current password being wrong; a password reset by
 * an administrator ends the session, as on the other account pages.
 */
function stepUpError(err: unknown): unknown {
  if (!(err instanceof CognitoAuthError)) return err;
  if (err.code === 'bad_credentials') return new CognitoAuthError('current_password_wrong', 'step-up: password refused', { cause: err });
  if (err.code === 'password_reset_required') return new CognitoAuthError('session_expired', 'step-up: password reset required', { cause: err });
  return err;
}
