import { Router, type Request, type RequestHandler, type Response } from 'express';
import { endAccountSessions, NO_GLOBAL_SIGN_OUT } from '../../auth/account-sign-out';
import { sessionOverBehind } from '../../auth/session-over';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import { expireSession, startSession } from '../../auth/start-session';
import type { EmailService } from '../../cognito/email-service';
import { AppError, isFormError, type ErrorCode } from '../../errors';
import type { MessageKey } from '../../i18n';
import { countAsSignInAttempt } from './count-failures';
import { emptyForm, fields, keepValues, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps, type FormState } from './forms';

/** Errors of the change form that belong to one field: [field, message]. */
const CHANGE_FIELD_ERRORS: Partial<Record<ErrorCode, [string, MessageKey]>> = {
  email_taken: ['email', 'email.inUse'],
  invalid_input: ['email', 'email.invalidAddress'],
  current_password_wrong: ['currentPassword', 'error.current_password_wrong'],
};

/**
 * E-mail verification (GetUserAttributeVerificationCode, VerifyUserAttribute) and change
 * (UpdateUserAttributes, then the code sent to the new address). Signed in only.
 */
export function createEmailRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock'> & { emails: EmailService },
): Router {
  const router = Router();
  const { users, emails, urls, sessions } = deps;
  const requireAuth = deps.requireAuth();
  router.use('/email', deps.limiters.perIp);

  /** Wraps a handler: Cognito refusing the access token ends the session and asks to sign in again. */
  const signedIn =
    (handler: (req: Request, res: Response, accessToken: string) => Promise<void>): RequestHandler[] => [
      requireAuth,
      async (req, res) => {
        try {
          await handler(req, res, tokensOf(req).accessToken);
        } catch (err) {
          if (err instanceof AppError && err.code === 'session_expired') return expireSession(req, res, sessions);
          throw err;
        }
      },
    ];

  /**
   * Makes the session's user carry the address Cognito now has (GetUser), so the header, the profile
   * and the delete check show it at once. A changed address ends every other session of the user (their
   * refresh tokens revoked one by one: a global sign-out would revoke this session's too), as a password
   * change does, and this one gets a new id. The ID token in the session keeps its old `email` claim
   * until it is refreshed.
   */
  async function syncSessionEmail(req: Request, accessToken: string): Promise<string | undefined> {
    const { email } = await users.getUser(accessToken);
    const user = userOf(req);
    if (email && email !== user.email) {
      await endAccountSessions(req, sessions, users, user, NO_GLOBAL_SIGN_OUT, { except: req.sessionID, reason: 'email changed' });
      const state = peekState(req);
      await startSession(req, sessions, { user: { ...user, email }, tokens: tokensOf(req), claims: state?.claims ?? {} }, deps.clock(), {
        signedInAt: state?.createdAt,
      });
    }
    return email;
  }

  function renderVerify(req: Request, res: Response, status: number, form: FormState): void {
    const change = peekState(req)?.emailChange;
    renderForm(res, 'email-verify', status, form, { address: change?.address ?? userOf(req).email ?? '', change });
  }

  function renderChange(req: Request, res: Response, status: number, form: FormState): void {
    renderForm(res, 'email-change', status, form, { currentEmail: userOf(req).email ?? '' });
  }

  /** Shows a change-form error beside its field, keeping the address typed (never the password). */
  function renderChangeError(req: Request, res: Response, err: unknown, values: Record<string, string>): void {
    const field = err instanceof AppError ? CHANGE_FIELD_ERRORS[err.code] : undefined;
    if (!field) return renderFormError(res, 'email-change', err, values, { currentEmail: userOf(req).email ?? '' });
    renderChange(req, res, (err as AppError).status, { values, fieldErrors: { [field[0]]: field[1] } });
  }

  /**
   * An address another account took meanwhile (Cognito can refuse it at verification too): back to the
   * change form with that address in it and the reason beside it.
   */
  function renderTakenAtVerification(req: Request, res: Response, err: AppError): void {
    const address = peekState(req)?.emailChange?.address ?? '';
    if (peekState(req)) delete sessionState(req).emailChange;
    renderChangeError(req, res, err, { email: address });
  }

  /* GET /email/verify — the code form, for the address that was sent a code. */
  router.get('/email/verify', ...signedIn(async (req, res) => renderVerify(req, res, 200, emptyForm())));

  /* POST /email/verify — VerifyUserAttribute; a change now applies, and the session shows the new address. */
  router.post(
    '/email/verify',
    ...signedIn(async (req, res, accessToken) => {
      const parsed = parseForm({ code: fields.code }, req.body);
      if (!parsed.ok) return renderVerify(req, res, 400, { values: {}, fieldErrors: parsed.fieldErrors });
      try {
        await emails.verifyCode(accessToken, parsed.data.code);
      } catch (err) {
        if (err instanceof AppError && err.code === 'email_taken') return renderTakenAtVerification(req, res, err);
        if (!isFormError(err)) throw err;
        return renderVerify(req, res, err.status, { values: {}, fieldErrors: {}, error: err.code });
      }
      const wasChange = peekState(req)?.emailChange !== undefined;
      delete sessionState(req).emailChange;
      await syncSessionEmail(req, accessToken);
      setNotice(req, wasChange ? 'notice.email_changed' : 'notice.email_verified');
      res.redirect(303, urls.to('/profile'));
    }),
  );

  /*
   * POST /email/verify/send — a (new) code: for a change still pending, UpdateUserAttributes again (the code
   * goes to the new address); otherwise GetUserAttributeVerificationCode for the current address.
   */
  router.post(
    '/email/verify/send',
    ...signedIn(async (req, res, accessToken) => {
      const change = peekState(req)?.emailChange;
      try {
        if (change?.pending) await emails.requestChange(accessToken, change.address);
        else await emails.sendCode(accessToken);
      } catch (err) {
        if (err instanceof AppError && err.code === 'email_taken') return renderTakenAtVerification(req, res, err);
        if (!isFormError(err)) throw err;
        return renderVerify(req, res, err.status, { values: {}, fieldErrors: {}, error: err.code });
      }
      setNotice(req, 'notice.email_code_sent');
      res.redirect(303, urls.to('/email/verify'));
    }),
  );

  /* GET /email/change — the new address and the current password. */
  router.get('/email/change', ...signedIn(async (req, res) => renderChange(req, res, 200, emptyForm())));

  /*
   * POST /email/change — the current password first (a sign-in with it as the account's username, never
   * the session's possibly stale address; a wrong one counts as a failed sign-in), then
   * UpdateUserAttributes; Cognito e-mails a code to the new address and the code page follows.
   */
  router.post(
    '/email/change',
    ...signedIn(async (req, res, accessToken) => {
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email, currentPassword: fields.password }, req.body);
      if (!parsed.ok) return renderChange(req, res, 400, { values, fieldErrors: parsed.fieldErrors });
      const { email, currentPassword } = parsed.data;
      const user = userOf(req);
      if (email === (user.email ?? '').toLowerCase()) return renderChange(req, res, 400, { values, fieldErrors: { email: 'email.sameAddress' } });
      await countAsSignInAttempt(req, res, deps.limiters.signInFailures, user.email ?? user.username);
      try {
        await emails.checkPassword(user.username, currentPassword);
        await emails.requestChange(accessToken, email);
      } catch (err) {
        // A user deleted meanwhile fails the password check too: GetUser tells it from a wrong password.
        if (await sessionOverBehind(err, users, accessToken)) throw new AppError('session_expired', 'email change: the session is over', { cause: err });
        return renderChangeError(req, res, err, values);
      }
      // Where the pool keeps the old address until verification, GetUser still answers it.
      const nowEmail = await syncSessionEmail(req, accessToken);
      sessionState(req).emailChange = { address: email, pending: nowEmail !== email };
      setNotice(req, 'notice.email_code_sent');
      res.redirect(303, urls.to('/email/verify'));
    }),
  );

  return router;
}
