import { Router, type Request } from 'express';
import { signedInFromApiTokens } from '../../auth/password';
import { logOf } from '../../auth/request-log';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import type { CognitoUser } from '../../auth/session-user';
import { expireSession, regenerateKeepingHostData, signOutAccountEverywhere, startSession } from '../../auth/start-session';
import { AppError } from '../../errors';
import { emptyForm, fields, keepValues, newPasswordProblem, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps } from './forms';

/** True when the error means the session's tokens or user are no longer accepted by Cognito. */
const isSessionOver = (err: unknown) => err instanceof AppError && err.code === 'session_expired';

/**
 * Forgotten password (code by e-mail, then a new password) and changing the password when signed in.
 * Either way every other session of the user ends, on every instance, and Cognito revokes their tokens.
 */
export function createPasswordRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock'>,
): Router {
  const router = Router();
  const { users, limiters, urls, sessions } = deps;
  const requireAuth = deps.requireAuth();
  router.use('/password', limiters.perIp);

  /* GET /password/forgot — ask for a reset code. */
  router.get('/password/forgot', (req, res) => {
    renderForm(res, 'password-forgot', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }));
  });

  /* POST /password/forgot — ForgotPassword; the answer is the same whether or not the address exists. */
  router.post('/password/forgot', async (req, res) => {
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm({ email: fields.email }, req.body);
    if (!parsed.ok) return renderForm(res, 'password-forgot', 400, { values, fieldErrors: parsed.fieldErrors });
    try {
      await users.forgotPassword(parsed.data.email);
    } catch (err) {
      return renderFormError(res, 'password-forgot', err, values);
    }
    sessionState(req).pendingEmail = parsed.data.email;
    res.redirect(303, urls.to('/password/reset'));
  });

  /* GET /password/reset — the code and the new password. */
  router.get('/password/reset', async (req, res) => {
    renderForm(res, 'password-reset', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }), { policy: await users.passwordPolicy() });
  });

  /* POST /password/reset — ConfirmForgotPassword, then to the sign-in page. */
  router.post('/password/reset', async (req, res) => {
    const policy = await users.passwordPolicy();
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm(
      { email: fields.email, code: fields.code, password: fields.password, passwordConfirm: fields.password },
      req.body,
    );
    if (!parsed.ok) return renderForm(res, 'password-reset', 400, { values, fieldErrors: parsed.fieldErrors }, { policy });
    const { email, code, password, passwordConfirm } = parsed.data;
    const problem = newPasswordProblem(policy, password, passwordConfirm);
    if (problem) return renderForm(res, 'password-reset', 400, { values, ...problem }, { policy });
    try {
      await users.resetPassword(email, code, password);
    } catch (err) {
      return renderFormError(res, 'password-reset', err, values, { policy });
    }
    await endSessionsAfterReset(req, email);
    sessionState(req).pendingEmail = email;
    setNotice(req, 'notice.password_reset');
    res.redirect(303, urls.to('/login'));
  });

  /* GET /password/change — signed in only. */
  router.get('/password/change', requireAuth, async (_req, res) => {
    renderForm(res, 'password-change', 200, emptyForm(), { policy: await users.passwordPolicy() });
  });

  /* POST /password/change — ChangePassword with the access token; the session id changes afterwards. */
  router.post('/password/change', requireAuth, async (req, res) => {
    const policy = await users.passwordPolicy();
    const parsed = parseForm(
      { currentPassword: fields.password, password: fields.password, passwordConfirm: fields.password },
      req.body,
    );
    if (!parsed.ok) return renderForm(res, 'password-change', 400, { values: {}, fieldErrors: parsed.fieldErrors }, { policy });
    const { currentPassword, password, passwordConfirm } = parsed.data;
    const problem = newPasswordProblem(policy, password, passwordConfirm);
    if (problem) return renderForm(res, 'password-change', 400, { values: {}, ...problem }, { policy });
    const tokens = tokensOf(req);
    try {
      await users.changePassword(tokens.accessToken, currentPassword, password);
    } catch (err) {
      if (isSessionOver(err) || (await tokenRefused(err, tokens.accessToken))) return expireSession(req, res, sessions);
      return renderFormError(res, 'password-change', err, {}, { policy });
    }
    // A new session id for this browser (the absolute lifetime still counts from the sign-in); every
    // other session of the user ends, and Cognito revokes what it can.
    const user = userOf(req);
    const before = peekState(req);
    await startSession(req, sessions, { user, tokens, claims: before?.claims ?? {} }, deps.clock(), { signedInAt: before?.createdAt });
    const { outcome } = await signOutAccountEverywhere(
      req,
      sessions,
      users,
      { sub: user.sub, username: user.username, accessToken: tokens.accessToken },
      { except: req.sessionID, reason: 'password changed' },
    );
    // A global sign-out revoked this session's tokens too: sign in again with the new password. Where that
    // needs more than the password (a two-step code), this session ends as well, rather than living on
    // with revoked tokens.
    if (outcome.global && !(await renewTokens(req, user, password))) return expireSession(req, res, sessions);
    setNotice(req, 'notice.password_changed');
    res.redirect(303, urls.to('/profile'));
  });

  /**
   * ChangePassword answers NotAuthorized both for a wrong current password and for tokens Cognito no
   * longer accepts (revoked, user disabled); GetUser with the same token tells the two apart.
   */
  async function tokenRefused(err: unknown, accessToken: string): Promise<boolean> {
    if (!(err instanceof AppError && err.code === 'current_password_wrong')) return false;
    return users.getUser(accessToken).then(
      () => false,
      (probeErr: unknown) => isSessionOver(probeErr),
    );
  }

  /** After a reset by code: every session of the account ends (this browser's too, if it was one). */
  async function endSessionsAfterReset(req: Request, email: string): Promise<void> {
    const account = await users.findAccount(email).catch((err: unknown) => {
      logOf(req).warn({ errName: (err as { cause?: { name?: string } }).cause?.name ?? 'Error' }, 'account lookup after reset failed; its sessions end at their next refresh');
      return undefined;
    });
    if (!account) return;
    const { ended } = await signOutAccountEverywhere(req, sessions, users, account, { reason: 'password reset' });
    if (ended.some((e) => e.sid === req.sessionID)) await regenerateKeepingHostData(req);
  }

  /** New tokens for this session after a global sign-out; false when Cognito gave none. */
  async function renewTokens(req: Request, user: CognitoUser, password: string): Promise<boolean> {
    try {
      const result = await users.signIn(user.username, password);
      if (result.kind !== 'tokens') throw new AppError('session_expired', `sign-in again: ${result.kind}`);
      const fresh = await signedInFromApiTokens(deps.verifier, result.tokens);
      const state = sessionState(req);
      state.tokens = fresh.tokens;
      state.claims = fresh.claims;
      return true;
    } catch (err) {
      logOf(req).warn({ errName: (err as Error).name, reason: (err as Error).message }, 'no new tokens after the global sign-out');
      return false;
    }
  }

  return router;
}
