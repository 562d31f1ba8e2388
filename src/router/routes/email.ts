import { Router, type Request, type Response } from 'express';
import { endAccountSessions, NO_GLOBAL_SIGN_OUT } from '../../auth/account-sign-out';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import { startSession } from '../../auth/start-session';
import type { EmailService } from '../../cognito/email-service';
import { CognitoAuthError, isFormError, type ErrorCode } from '../../errors';
import type { MessageKey } from '../../i18n';
import { withAccessToken } from './access-token';
import { countAsCodeAttempt } from './count-failures';
import { emptyForm, fields, keepValues, parseForm, renderForm, setNotice, type AccountRouteDeps, type FormState } from './forms';
import { createStepUp, type StepUpForm } from './step-up';

/** The e-mail pages, below the mount: the router serves these paths (see page-groups.ts). */
export const EMAIL_PATHS = ['/email/verify', '/email/verify/send', '/email/change'] as const;

/** Errors of the change form that belong to one field: [field, message]. */
const CHANGE_FIELD_ERRORS: Partial<Record<ErrorCode, [string, MessageKey]>> = {
  email_taken: ['email', 'email.inUse'],
  invalid_input: ['email', 'email.invalidAddress'],
};

/**
 * E-mail verification (GetUserAttributeVerificationCode, VerifyUserAttribute) and change
 * (UpdateUserAttributes, then the code sent to the new address). Signed in only.
 */
export function createEmailRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock' | 'refuseFederated'> & {
    emails: EmailService;
  },
): Router {
  const router = Router();
  const { users, emails, urls, sessions } = deps;
  const requireAuth = deps.requireAuth();
  const stepUp = createStepUp(deps);
  const changePage = urls.to('/email/change');
  // A federated account's address comes from its provider: it goes to the profile before anything is counted.
  router.all('/email/change', deps.refuseFederated('notice.federated_email'));
  router.all([...EMAIL_PATHS], deps.limiters.perIp);

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
      await startSession(req, sessions, { user: { ...user, email }, tokens: tokensOf(req) }, deps.clock(), {
        signedInAt: state?.createdAt,
      });
    }
    return email;
  }

  function renderVerify(req: Request, res: Response, status: number, form: FormState): void {
    const change = peekState(req)?.emailChange;
    renderForm(res, 'email-verify', status, form, { address: change?.address ?? userOf(req).email ?? '', change });
  }

  /** The change form, with the step-up the person must pass (the password, and a code while TOTP is on). */
  async function renderChange(req: Request, res: Response, status: number, form: FormState, step?: StepUpForm): Promise<void> {
    const shown = step ?? (await stepUp.form(req, tokensOf(req).accessToken, { returnTo: changePage }));
    renderForm(res, 'email-change', status, form, { currentEmail: userOf(req).email ?? '', stepUp: shown });
  }

  /** Shows a change-form error beside its field, keeping the address typed (never the password or code). */
  async function renderChangeError(req: Request, res: Response, err: unknown, values: Record<string, string>): Promise<void> {
    const field = err instanceof CognitoAuthError ? CHANGE_FIELD_ERRORS[err.code] : undefined;
    if (!isFormError(err)) throw err;
    await renderChange(req, res, err.status, { values, fieldErrors: field ? { [field[0]]: field[1] } : {}, error: field ? undefined : err.code });
  }

  /**
   * An address another account took meanwhile (Cognito can refuse it at verification too): back to the
   * change form with that address in it and the reason beside it.
   */
  async function renderTakenAtVerification(req: Request, res: Response, err: CognitoAuthError): Promise<void> {
    const address = peekState(req)?.emailChange?.address ?? '';
    if (peekState(req)) delete sessionState(req).emailChange;
    await renderChangeError(req, res, err, { email: address });
  }

  /* GET /email/verify — the code form, for the address that was sent a code. */
  router.get(
    '/email/verify',
    requireAuth,
    withAccessToken(sessions, (req, res) => Promise.resolve(renderVerify(req, res, 200, emptyForm()))),
  );

  /*
   * POST /email/verify — VerifyUserAttribute; a change now applies, and the session shows the new address.
   * Wrong codes count per account from all client IPs together (`codeFailuresPerAccount`).
   */
  router.post(
    '/email/verify',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const parsed = parseForm({ code: fields.code }, req.body);
      if (!parsed.ok) return renderVerify(req, res, 400, { values: {}, fieldErrors: parsed.fieldErrors });
      await countAsCodeAttempt(req, res, deps.limiters.codeFailuresPerAccount, `sub:${userOf(req).sub}`);
      try {
        await emails.verifyCode(accessToken, parsed.data.code);
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'email_taken') return renderTakenAtVerification(req, res, err);
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
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const change = peekState(req)?.emailChange;
      try {
        if (change?.pending) await emails.requestChange(accessToken, change.address);
        else await emails.sendCode(accessToken);
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'email_taken') return renderTakenAtVerification(req, res, err);
        if (!isFormError(err)) throw err;
        return renderVerify(req, res, err.status, { values: {}, fieldErrors: {}, error: err.code });
      }
      setNotice(req, 'notice.email_code_sent');
      res.redirect(303, urls.to('/email/verify'));
    }),
  );

  /* GET /email/change — the new address, and the step-up: the current password (and a code while TOTP is on). */
  router.get(
    '/email/change',
    requireAuth,
    withAccessToken(sessions, async (req, res) => renderChange(req, res, 200, emptyForm())),
  );

  /*
   * POST /email/change — the new address checked first, then a full re-authentication (the step-up:
   * Cognito's own sign-in under the account's username, never the session's possibly stale address, and
   * the code challenge while TOTP is on; attempts counted like a sign-in's), then UpdateUserAttributes with
   * the fresh access token; Cognito e-mails a code to the new address and the code page follows.
   */
  router.post(
    '/email/change',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const values = keepValues(req.body, ['email']);
      const parsed = parseForm({ email: fields.email }, req.body);
      if (!parsed.ok) return renderChange(req, res, 400, { values, fieldErrors: parsed.fieldErrors });
      const { email } = parsed.data;
      const user = userOf(req);
      if (email === (user.email ?? '').toLowerCase()) return renderChange(req, res, 400, { values, fieldErrors: { email: 'email.sameAddress' } });
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo: changePage });
      if (!stepped.ok)
        return renderChange(req, res, stepped.status, { values, fieldErrors: stepped.fieldErrors, error: stepped.error }, stepped.stepUp);
      const fresh = stepped.accessToken;
      try {
        await emails.requestChange(fresh, email);
      } catch (err) {
        return renderChangeError(req, res, err, values);
      }
      // Where the pool keeps the old address until verification, GetUser still answers it.
      const nowEmail = await syncSessionEmail(req, fresh);
      sessionState(req).emailChange = { address: email, pending: nowEmail !== email };
      setNotice(req, 'notice.email_code_sent');
      res.redirect(303, urls.to('/email/verify'));
    }),
  );

  return router;
}
