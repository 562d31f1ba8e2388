import { Router, type Request } from 'express';
import { asyncHandler } from '../../async-handler';
import { holdMfaChallenge } from '../../auth/mfa-challenge';
import { runStrategy } from '../../auth/passport';
import { PASSWORD_STRATEGY, signedInFromApiTokens, type PasswordFailure } from '../../auth/password';
import { safeReturnTo } from '../../urls/return-to';
import { peekState, sessionState } from '../../auth/session-state';
import type { SignedIn } from '../../auth/start-session';
import { visitorOf } from '../../auth/visitor';
import { CognitoAuthError } from '../../errors';
import { settle } from '../../settle';
import { providerButtons } from './federation';
import { finishSignIn } from './finish-sign-in';
import { emptyForm, fields, keepValues, newPasswordProblem, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps } from './forms';

function returnToOf(req: Request): string | undefined {
  return safeReturnTo((req.query as Record<string, unknown>).returnTo);
}

/**
 * The sign-in page and the new-password challenge, below the mount: the router serves these paths (see
 * page-groups.ts). The code step (`/login/mfa`) and the Hosted UI start (`/login/hosted`) are other
 * groups', with limits of their own.
 */
export const LOGIN_PATHS = ['/login', '/login/new-password'] as const;

/** The custom sign-in page (password auth on the server) and the new-password challenge. */
export function createLoginRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'passport' | 'limiters' | 'clock' | 'sessions' | 'urls' | 'signedInTo' | 'afterSignIn'> & {
    /** A "Sign in with …" button for each (through the Hosted UI). */
    identityProviders: readonly string[];
  },
): Router {
  const router = Router();
  const { users, limiters, passport, urls } = deps;
  /** The sign-in page's locals besides the form: where to go afterwards, and the provider buttons. */
  const pageLocals = (returnTo: string | undefined) => ({ returnTo, providerButtons: providerButtons(deps.identityProviders, urls, returnTo) });
  router.all([...LOGIN_PATHS], limiters.perIp);

  /* GET /login — the sign-in form; `returnTo` (same-origin only) is where to go afterwards. */
  router.get('/login', (req, res) => {
    renderForm(res, 'login', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }), pageLocals(returnToOf(req)));
  });

  /*
   * POST /login — InitiateAuth (USER_PASSWORD_AUTH) through Passport. Unknown email and wrong password
   * get the same message and status; an unconfirmed account goes to the confirm page; a
   * NEW_PASSWORD_REQUIRED challenge to the new-password page; SOFTWARE_TOKEN_MFA to the code page
   * (routes/mfa.ts); a password reset by an administrator to the reset page. Failures are limited per
   * address and client IP, and more loosely per address from all IPs.
   */
  router.post('/login', ...limiters.signInFailures, (req, res, next) => {
    const returnTo = returnToOf(req);
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm({ email: fields.email, password: fields.password }, req.body);
    if (!parsed.ok) return renderForm(res, 'login', 400, { values, fieldErrors: parsed.fieldErrors }, pageLocals(returnTo));
    const { email } = parsed.data;
    (req.body as Record<string, string>).email = email;

    runStrategy(passport, PASSWORD_STRATEGY, {}, (err: unknown, user: unknown, info: unknown) => {
      if (err instanceof CognitoAuthError && err.code === 'password_reset_required') {
        // An administrator reset the password: Cognito has e-mailed a code for the reset page.
        sessionState(req).pendingEmail = email;
        setNotice(req, 'notice.password_reset_required');
        return res.redirect(303, urls.to('/password/reset'));
      }
      if (err) return next(err);
      if (user) {
        settle(finishSignIn(req, res, deps, info as SignedIn, returnTo ?? deps.signedInTo), () => undefined, next);
        return;
      }
      const failure = info as PasswordFailure;
      if (failure.code === 'new_password_required') {
        sessionState(req).challenge = { email, session: failure.session, username: failure.username, returnTo };
        return res.redirect(303, urls.to('/login/new-password'));
      }
      if (failure.code === 'mfa_required') {
        holdMfaChallenge(req, { email, session: failure.session, username: failure.username, returnTo }, deps.clock());
        return res.redirect(303, urls.to('/login/mfa'));
      }
      if (failure.code === 'not_confirmed') {
        sessionState(req).pendingEmail = email;
        setNotice(req, 'notice.not_confirmed');
        return res.redirect(303, urls.to('/signup/confirm'));
      }
      const error = new CognitoAuthError(failure.code);
      renderForm(res, 'login', error.status, { values, fieldErrors: {}, error: error.code }, pageLocals(returnTo));
    })(req, res, next);
  });

  /* GET /login/new-password — only while a NEW_PASSWORD_REQUIRED challenge is waiting. */
  router.get(
    '/login/new-password',
    asyncHandler(async (req, res) => {
      if (!peekState(req)?.challenge) return res.redirect(303, urls.to('/login'));
      renderForm(res, 'login-new-password', 200, emptyForm(), { policy: await users.passwordPolicy() });
    }),
  );

  /* POST /login/new-password — RespondToAuthChallenge, then the same session as any sign-in. */
  router.post(
    '/login/new-password',
    asyncHandler(async (req, res) => {
      const challenge = peekState(req)?.challenge;
      if (!challenge) return res.redirect(303, urls.to('/login'));
      const policy = await users.passwordPolicy();
      const parsed = parseForm({ password: fields.password, passwordConfirm: fields.password }, req.body);
      if (!parsed.ok) return renderForm(res, 'login-new-password', 400, { values: {}, fieldErrors: parsed.fieldErrors }, { policy });
      const problem = newPasswordProblem(policy, parsed.data.password, parsed.data.passwordConfirm);
      if (problem) return renderForm(res, 'login-new-password', 400, { values: {}, ...problem }, { policy });
      let signedIn: SignedIn;
      try {
        const tokens = await users.answerNewPasswordChallenge(challenge.username ?? challenge.email, challenge.session, parsed.data.password, visitorOf(req));
        signedIn = await signedInFromApiTokens(deps.verifier, tokens);
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'session_expired') {
          delete sessionState(req).challenge;
          setNotice(req, 'error.session_expired');
          return res.redirect(303, urls.to('/login'));
        }
        return renderFormError(res, 'login-new-password', err, {}, { policy });
      }
      await finishSignIn(req, res, deps, signedIn, safeReturnTo(challenge.returnTo) ?? deps.signedInTo);
    }),
  );

  return router;
}
