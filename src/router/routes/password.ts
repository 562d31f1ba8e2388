import { Router, type Request, type Response } from 'express';
import { asyncHandler } from '../../async-handler';
import { endAccountSessions, signOutAccountEverywhere } from '../../auth/account-sign-out';
import { holdMfaChallenge } from '../../auth/mfa-challenge';
import { signedInFromApiTokens } from '../../auth/password';
import { logOf } from '../../log';
import { sessionOverBehind } from '../../auth/session-over';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import type { CognitoUser } from '../../auth/types';
import type { SessionTokens } from '../../cognito/tokens';
import { expireSession, leaveSignIn, regenerateKeepingHostData, startSession, type SignedIn } from '../../auth/start-session';
import { visitorOf } from '../../auth/visitor';
import { countAsCodeAttempt, countAsSignInAttempt } from './count-failures';
import {
  emptyForm,
  fields,
  keepValues,
  problemsOnForm,
  newPasswordProblem,
  parseForm,
  renderForm,
  renderFormError,
  setNotice,
  type AccountRouteDeps,
  type FormCheckDeps,
} from './forms';

/** The password pages, below the mount: the router serves these paths (see page-groups.ts). */
export const PASSWORD_PATHS = ['/password/forgot', '/password/reset', '/password/change'] as const;

/** What signing in again after a global sign-out gave: tokens, a code to ask for, or nothing. */
type SignInAgain = { kind: 'tokens'; signedIn: SignedIn } | { kind: 'mfa-required'; session: string; username: string } | { kind: 'none' };

/**
 * Forgotten password (code by e-mail, then a new password) and changing the password when signed in.
 * Either way every other session of the user ends, on every instance, and Cognito revokes their tokens.
 */
export function createPasswordRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock' | 'refuseFederated'> & FormCheckDeps,
): Router {
  const router = Router();
  // First, so that an expired form token is said on the form (problemsOnForm, below).
  router.use(deps.csrf);
  const { users, limiters, urls, sessions } = deps;
  const requireAuth = deps.requireAuth();
  // A federated account has no Cognito password: it goes to the profile before anything is counted.
  router.all([...PASSWORD_PATHS], deps.refuseFederated('notice.federated_no_password'), limiters.perIp);

  /* GET /password/forgot — ask for a reset code. */
  router.get('/password/forgot', (req, res) => {
    renderForm(res, 'password-forgot', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }));
  });

  /* POST /password/forgot — ForgotPassword; the answer is the same whether or not the address exists. */
  router.post(
    '/password/forgot',
    asyncHandler(async (req, res) => {
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email }, req.body);
      if (!parsed.ok) return renderForm(res, 'password-forgot', 400, { values, fieldErrors: parsed.fieldErrors });
      try {
        await users.forgotPassword(parsed.data.email, visitorOf(req));
      } catch (err) {
        return renderFormError(res, 'password-forgot', err, values);
      }
      sessionState(req).pendingEmail = parsed.data.email;
      res.redirect(303, urls.to('/password/reset'));
    }),
  );

  /* GET /password/reset — the code and the new password. */
  router.get(
    '/password/reset',
    asyncHandler(async (req, res) => {
      renderForm(res, 'password-reset', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }), { policy: await users.passwordPolicy() });
    }),
  );

  /*
   * POST /password/reset — ConfirmForgotPassword, then to the sign-in page. Wrong codes count per address
   * from all client IPs together (`codeFailuresPerAccount`).
   */
  router.post(
    '/password/reset',
    asyncHandler(async (req, res) => {
      const policy = await users.passwordPolicy();
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email, code: fields.code, password: fields.password, passwordConfirm: fields.password }, req.body);
      if (!parsed.ok) return renderForm(res, 'password-reset', 400, { values, fieldErrors: parsed.fieldErrors }, { policy });
      const { email, code, password, passwordConfirm } = parsed.data;
      const problem = newPasswordProblem(policy, password, passwordConfirm);
      if (problem) return renderForm(res, 'password-reset', 400, { values, ...problem }, { policy });
      await countAsCodeAttempt(req, res, limiters.codeFailuresPerAccount, `email:${email}`);
      try {
        await users.resetPassword(email, code, password, visitorOf(req));
      } catch (err) {
        return renderFormError(res, 'password-reset', err, values, { policy });
      }
      await endSessionsAfterReset(req, email);
      sessionState(req).pendingEmail = email;
      setNotice(req, 'notice.password_reset');
      res.redirect(303, urls.to('/login'));
    }),
  );

  /* GET /password/change — signed in only. */
  router.get(
    '/password/change',
    requireAuth,
    asyncHandler(async (_req, res) => {
      renderForm(res, 'password-change', 200, emptyForm(), { policy: await users.passwordPolicy() });
    }),
  );

  /*
   * POST /password/change — ChangePassword with the access token (a wrong current password counts as a
   * failed sign-in); then every other session ends and this one gets a new id (see finishChange).
   */
  router.post(
    '/password/change',
    requireAuth,
    asyncHandler(async (req, res) => {
      const policy = await users.passwordPolicy();
      const parsed = parseForm({ currentPassword: fields.password, password: fields.password, passwordConfirm: fields.password }, req.body);
      if (!parsed.ok) return renderForm(res, 'password-change', 400, { values: {}, fieldErrors: parsed.fieldErrors }, { policy });
      const { currentPassword, password, passwordConfirm } = parsed.data;
      const problem = newPasswordProblem(policy, password, passwordConfirm);
      if (problem) return renderForm(res, 'password-change', 400, { values: {}, ...problem }, { policy });
      const user = userOf(req);
      await countAsSignInAttempt(req, res, limiters.signInFailures, user.email ?? user.username);
      const tokens = tokensOf(req);
      try {
        await users.changePassword(tokens.accessToken, currentPassword, password);
      } catch (err) {
        // NotAuthorized is also what a revoked token or a deleted user gets: GetUser tells them apart.
        if (await sessionOverBehind(err, users, tokens.accessToken)) return expireSession(req, res, sessions);
        return renderFormError(res, 'password-change', err, {}, { policy });
      }
      await finishChange(req, res, user, tokens, password);
    }),
  );

  /**
   * After a password change: Cognito revokes the user's tokens first (whatever the session store does
   * next), every other session ends, and this browser keeps its sign-in under a new id (the absolute
   * lifetime still counting from the sign-in). A global sign-out revoked this session's tokens too: it
   * signs in again with the new password; where that asks for a code (TOTP on), the code page follows
   * with a notice; where it fails, this session ends as well rather than live on with revoked tokens.
   */
  async function finishChange(req: Request, res: Response, user: CognitoUser, tokens: SessionTokens, password: string): Promise<void> {
    const global = await users.signOutGlobally({ username: user.username, accessToken: tokens.accessToken });
    const before = peekState(req);
    const again: SignInAgain = global.global ? await signInAgain(req, user, password) : { kind: 'tokens', signedIn: { user, tokens } };
    await endAccountSessions(req, sessions, users, { sub: user.sub, username: user.username }, global, {
      except: req.sessionID,
      reason: 'password changed',
    });
    if (again.kind === 'tokens') {
      await startSession(req, sessions, again.signedIn, deps.clock(), { signedInAt: before?.createdAt });
      setNotice(req, 'notice.password_changed');
      return res.redirect(303, urls.to('/profile'));
    }
    if (again.kind === 'none') return expireSession(req, res, sessions);
    await leaveSignIn(req, sessions);
    holdMfaChallenge(
      req,
      { email: user.email ?? user.username, session: again.session, username: again.username, returnTo: urls.to('/profile') },
      deps.clock(),
    );
    setNotice(req, 'notice.password_changed_enter_code');
    res.redirect(303, urls.to('/login/mfa'));
  }

  /** After a reset by code: every session of the account ends (this browser's too, if it was one). */
  async function endSessionsAfterReset(req: Request, email: string): Promise<void> {
    const account = await users.findAccount(email).catch((err: unknown) => {
      logOf(req).warn(
        { errName: (err as { cause?: { name?: string } }).cause?.name ?? 'Error' },
        'account lookup after reset failed; its sessions end at their next refresh',
      );
      return undefined;
    });
    if (!account) return;
    // Cognito first, then the store: a store failure (the 503 page) cannot leave the tokens valid.
    const { ended } = await signOutAccountEverywhere(req, sessions, users, account, { reason: 'password reset' });
    if (ended.some((e) => e.sid === req.sessionID)) await regenerateKeepingHostData(req);
  }

  /** Signs in again with the new password after a global sign-out (which revoked this session's tokens). */
  async function signInAgain(req: Request, user: CognitoUser, password: string): Promise<SignInAgain> {
    try {
      const result = await users.signIn(user.username, password, visitorOf(req));
      if (result.kind === 'mfa-required') return result;
      if (result.kind !== 'tokens') throw new Error(`sign-in again: ${result.kind}`);
      const fresh = await signedInFromApiTokens(deps.verifier, result.tokens);
      return { kind: 'tokens', signedIn: { user, tokens: fresh.tokens } };
    } catch (err) {
      logOf(req).warn({ errName: (err as Error).name, reason: (err as Error).message }, 'no new tokens after the global sign-out');
      return { kind: 'none' };
    }
  }

  router.use(
    problemsOnForm(['email'], {
      '/password/forgot': (_req, res, status, form) => renderForm(res, 'password-forgot', status, form),
      '/password/reset': async (_req, res, status, form) => renderForm(res, 'password-reset', status, form, { policy: await users.passwordPolicy() }),
    }),
  );

  return router;
}
