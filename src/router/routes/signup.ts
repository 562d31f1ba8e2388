import { Router } from 'express';
import { peekState, sessionState } from '../../auth/session-state';
import { AppError } from '../../errors';
import { emptyForm, fields, keepValues, newPasswordProblem, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps } from './forms';

/** Sign-up, e-mail confirmation, and sending the code again. */
export function createSignupRouter(deps: Pick<AccountRouteDeps, 'users' | 'limiters' | 'urls'> & { revealExistingAccounts: boolean }): Router {
  const router = Router();
  const { users, limiters, urls } = deps;
  router.use('/signup', limiters.perIp);

  /* GET /signup — the sign-up form, with the pool's password policy beside the password. */
  router.get('/signup', async (_req, res) => {
    renderForm(res, 'signup', 200, emptyForm(), { policy: await users.passwordPolicy() });
  });

  /* POST /signup — check the form and the policy here, then SignUp (with SECRET_HASH); on to confirm. */
  router.post('/signup', async (req, res) => {
    const policy = await users.passwordPolicy();
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm({ email: fields.email, password: fields.password, passwordConfirm: fields.password }, req.body);
    if (!parsed.ok) return renderForm(res, 'signup', 400, { values, fieldErrors: parsed.fieldErrors }, { policy });
    const { email, password, passwordConfirm } = parsed.data;
    const problem = newPasswordProblem(policy, password, passwordConfirm);
    if (problem) return renderForm(res, 'signup', 400, { values, ...problem }, { policy });
    try {
      await users.signUp(email, password);
    } catch (err) {
      return renderFormError(res, 'signup', err, values, { policy });
    }
    sessionState(req).pendingEmail = email;
    res.redirect(303, urls.to('/signup/confirm'));
  });

  /* GET /signup/confirm — enter the e-mailed code; the address comes from the session, not the URL. */
  router.get('/signup/confirm', (req, res) => {
    renderForm(res, 'signup-confirm', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }));
  });

  /* POST /signup/confirm — ConfirmSignUp; a wrong or expired code keeps the address filled in. */
  router.post('/signup/confirm', async (req, res) => {
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm({ email: fields.email, code: fields.code }, req.body);
    if (!parsed.ok) return renderForm(res, 'signup-confirm', 400, { values, fieldErrors: parsed.fieldErrors });
    try {
      await users.confirmSignUp(parsed.data.email, parsed.data.code);
    } catch (err) {
      return renderFormError(res, 'signup-confirm', err, values);
    }
    sessionState(req).pendingEmail = parsed.data.email;
    setNotice(req, 'notice.signup_confirmed');
    res.redirect(303, urls.to('/login'));
  });

  router.get('/signup/resend', (_req, res) => res.redirect(303, urls.to('/signup/confirm')));

  /*
   * POST /signup/resend — ResendConfirmationCode. cognito-local does not implement it: the page then says
   * so plainly (the code from sign-up is still valid) instead of failing.
   */
  router.post('/signup/resend', async (req, res) => {
    const values = keepValues(req.body, ['email']);
    const parsed = parseForm({ email: fields.email }, req.body);
    if (!parsed.ok) return renderForm(res, 'signup-confirm', 400, { values, fieldErrors: parsed.fieldErrors });
    try {
      await users.resendConfirmationCode(parsed.data.email);
    } catch (err) {
      if (err instanceof AppError && err.code === 'emulator_unsupported') {
        return renderForm(res, 'signup-confirm', 200, emptyForm(values), { info: 'confirm.resendUnsupported' });
      }
      return renderFormError(res, 'signup-confirm', err, values);
    }
    sessionState(req).pendingEmail = parsed.data.email;
    renderForm(res, 'signup-confirm', 200, emptyForm(values), { info: 'confirm.resent' });
  });

  return router;
}
