import { Router, type Response } from 'express';
import { asyncHandler } from '../../async-handler';
import { peekState, sessionState, signedInOf } from '../../auth/session-state';
import { visitorOf } from '../../auth/visitor';
import { CognitoAuthError } from '../../errors';
import type { MessageKey } from '../../i18n';
import { safeReturnTo } from '../../urls/return-to';
import { countAsCodeAttempt } from './count-failures';
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
  type FormState,
} from './forms';

/** The sign-up pages, below the mount: the router serves these paths (see page-groups.ts). */
export const SIGNUP_PATHS = ['/signup', '/signup/confirm', '/signup/resend'] as const;

/**
 * Sign-up, e-mail confirmation, and sending the code again. Unless `revealExistingAccounts`, an address
 * that already has an account gets the same answers as a new one (ASVS 5.0 V6.3.8): the confirm page,
 * which says a code was sent if the address can take a new account.
 */
export function createSignupRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'limiters' | 'urls'> & FormCheckDeps & { revealExistingAccounts: boolean },
): Router {
  const router = Router();
  // First, so that an expired form token is said on the form (problemsOnForm, below).
  router.use(deps.csrf);
  const { users, limiters, urls, revealExistingAccounts } = deps;
  router.all([...SIGNUP_PATHS], limiters.perIp);
  /** The confirm page's lead: only what is true for every address, unless accounts are revealed. */
  const lead: MessageKey = revealExistingAccounts ? 'confirm.lead' : 'confirm.leadPrivate';

  function renderConfirm(res: Response, status: number, form: FormState, info?: MessageKey): void {
    renderForm(res, 'signup-confirm', status, form, { info, lead });
  }

  /*
   * GET /signup — the sign-up form, with the pool's password policy beside the password. Someone already
   * signed in has nothing to sign up for: on to `returnTo` (same-origin only), or the profile.
   */
  router.get(
    '/signup',
    asyncHandler(async (req, res) => {
      if (signedInOf(req)) return res.redirect(303, safeReturnTo((req.query as Record<string, unknown>).returnTo) ?? urls.to('/profile'));
      renderForm(res, 'signup', 200, emptyForm(), { policy: await users.passwordPolicy() });
    }),
  );

  /*
   * POST /signup — check the form and the policy here, then SignUp (with SECRET_HASH); on to confirm. An
   * address that has an account goes on to confirm too (no e-mail is sent to it), unless accounts are
   * revealed: then the form says so (409).
   */
  router.post(
    '/signup',
    asyncHandler(async (req, res) => {
      const policy = await users.passwordPolicy();
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email, password: fields.password, passwordConfirm: fields.password }, req.body);
      if (!parsed.ok) return renderForm(res, 'signup', 400, { values, fieldErrors: parsed.fieldErrors }, { policy });
      const { email, password, passwordConfirm } = parsed.data;
      const problem = newPasswordProblem(policy, password, passwordConfirm);
      if (problem) return renderForm(res, 'signup', 400, { values, ...problem }, { policy });
      try {
        await users.signUp(email, password, visitorOf(req));
      } catch (err) {
        const taken = err instanceof CognitoAuthError && err.code === 'email_taken';
        if (!taken || revealExistingAccounts) return renderFormError(res, 'signup', err, values, { policy });
      }
      sessionState(req).pendingEmail = email;
      res.redirect(303, urls.to('/signup/confirm'));
    }),
  );

  /* GET /signup/confirm — enter the e-mailed code; the address comes from the session, not the URL. */
  router.get('/signup/confirm', (req, res) => {
    renderConfirm(res, 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }));
  });

  /*
   * POST /signup/confirm — ConfirmSignUp; a wrong or expired code keeps the address filled in. Wrong
   * codes count per address from all client IPs together (`codeFailuresPerAccount`).
   */
  router.post(
    '/signup/confirm',
    asyncHandler(async (req, res) => {
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email, code: fields.code }, req.body);
      if (!parsed.ok) return renderConfirm(res, 400, { values, fieldErrors: parsed.fieldErrors });
      await countAsCodeAttempt(req, res, limiters.codeFailuresPerAccount, `email:${parsed.data.email}`);
      try {
        await users.confirmSignUp(parsed.data.email, parsed.data.code, visitorOf(req));
      } catch (err) {
        // Already confirmed: said as such only where accounts are revealed; otherwise as a wrong code
        // (the page links to sign-in either way).
        const confirmed = err instanceof CognitoAuthError && err.code === 'already_confirmed';
        const shown =
          confirmed && !revealExistingAccounts ? new CognitoAuthError('code_mismatch', 'already confirmed (not revealed)', { cause: err }) : err;
        return renderFormError(res, 'signup-confirm', shown, values, { lead });
      }
      sessionState(req).pendingEmail = parsed.data.email;
      setNotice(req, 'notice.signup_confirmed');
      res.redirect(303, urls.to('/login'));
    }),
  );

  router.get('/signup/resend', (_req, res) => res.redirect(303, urls.to('/signup/confirm')));

  /*
   * POST /signup/resend — ResendConfirmationCode. Unless accounts are revealed, an address that is
   * already confirmed (Cognito: InvalidParameterException) gets the same answer as one waiting for its
   * code. cognito-local does not implement the call: the page then says so plainly (the code from
   * sign-up is still valid) instead of failing.
   */
  router.post(
    '/signup/resend',
    asyncHandler(async (req, res) => {
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email }, req.body);
      if (!parsed.ok) return renderConfirm(res, 400, { values, fieldErrors: parsed.fieldErrors });
      try {
        await users.resendConfirmationCode(parsed.data.email, visitorOf(req));
      } catch (err) {
        const confirmed = err instanceof CognitoAuthError && err.code === 'invalid_input';
        if (!confirmed || revealExistingAccounts) return renderFormError(res, 'signup-confirm', err, values, { lead });
      }
      sessionState(req).pendingEmail = parsed.data.email;
      renderConfirm(res, 200, emptyForm(values), revealExistingAccounts ? 'confirm.resent' : 'confirm.resentPrivate');
    }),
  );

  router.use(
    problemsOnForm(['email'], {
      '/signup': async (_req, res, status, form) => renderForm(res, 'signup', status, form, { policy: await users.passwordPolicy() }),
      '/signup/confirm': (_req, res, status, form) => renderConfirm(res, status, form),
      '/signup/resend': (_req, res, status, form) => renderConfirm(res, status, form),
    }),
  );

  return router;
}
