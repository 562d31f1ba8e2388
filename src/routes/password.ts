import { Router } from 'express';
import { expireSession, startSession } from '../auth/start-session';
import { AppError } from '../errors';
import { emptyForm, fields, keepValues, newPasswordProblem, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps } from './forms';

/** Forgotten password (code by e-mail, then a new password) and changing the password when signed in. */
export function createPasswordRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'limiters' | 'sessionCookieName' | 'requireAuth' | 'clock'>,
): Router {
  const router = Router();
  const { users, limiters } = deps;
  const requireAuth = deps.requireAuth();
  router.use('/password', limiters.perIp);

  /* GET /password/forgot — ask for a reset code. */
  router.get('/password/forgot', (req, res) => {
    renderForm(res, 'password-forgot', 200, emptyForm({ email: req.session.pendingEmail ?? '' }));
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
    req.session.pendingEmail = parsed.data.email;
    res.redirect(303, '/password/reset');
  });

  /* GET /password/reset — the code and the new password. */
  router.get('/password/reset', async (req, res) => {
    renderForm(res, 'password-reset', 200, emptyForm({ email: req.session.pendingEmail ?? '' }), { policy: await users.passwordPolicy() });
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
    req.session.pendingEmail = email;
    setNotice(req, 'notice.password_reset');
    res.redirect(303, '/login');
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
    const tokens = req.session.tokens!;
    try {
      await users.changePassword(tokens.accessToken, currentPassword, password);
    } catch (err) {
      if (err instanceof AppError && err.code === 'session_expired') return expireSession(req, res, deps.sessionCookieName);
      return renderFormError(res, 'password-change', err, {}, { policy });
    }
    // A new session id; the absolute lifetime still counts from the sign-in.
    const signedInAt = req.session.createdAt ?? deps.clock();
    await startSession(req, { user: req.user!, tokens, claims: req.session.idClaims ?? {} }, deps.clock());
    req.session.createdAt = signedInAt;
    setNotice(req, 'notice.password_changed');
    res.redirect(303, '/profile');
  });

  return router;
}
