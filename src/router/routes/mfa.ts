import { Router, type NextFunction, type Request, type Response } from 'express';
import { asyncHandler } from '../../async-handler';
import { endAccountSessions, NO_GLOBAL_SIGN_OUT } from '../../auth/account-sign-out';
import { pendingMfaChallenge } from '../../auth/mfa-challenge';
import { signedInFromApiTokens } from '../../auth/password';
import { safeReturnTo } from '../../urls/return-to';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import type { SignedIn } from '../../auth/start-session';
import { buildTotpEnrolment } from './totp-enrolment';
import { visitorOf } from '../../auth/visitor';
import type { MfaService } from '../../cognito/mfa-service';
import { CognitoAuthError, isFormError } from '../../errors';
import { en } from '../../i18n/en';
import { withAccessToken } from './access-token';
import { finishSignIn } from './finish-sign-in';
import { emptyForm, fields, parseForm, renderForm, renderFormError, setNotice, type AccountRouteDeps, type FormState } from './forms';
import { createStepUp, type StepUpForm } from './step-up';

/** The issuer an authenticator app lists: the app's name, the same in every language (one account, one entry). */
const TOTP_ISSUER = en['app.name'];

/** The two-step set-up and switch-off pages, below the mount (a signed-in person's). */
const MFA_SETTINGS_PATHS = ['/mfa/setup', '/mfa/setup/confirm', '/mfa/disable'] as const;

/**
 * The two-step pages, below the mount: the router serves these paths (see page-groups.ts). `/login/mfa`
 * is the code step of a sign-in.
 */
export const MFA_PATHS = [...MFA_SETTINGS_PATHS, '/login/mfa'] as const;

/**
 * Two-step sign-in with an authenticator app: the set-up and switch-off pages, and the code page between
 * the password and the session. Setting up and switching off both re-authenticate first (the step-up: the
 * password, and the code while TOTP is on).
 */
export function createMfaRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'requireAuth' | 'sessions' | 'urls' | 'clock' | 'signedInTo' | 'afterSignIn' | 'refuseFederated'> & {
    mfa: MfaService;
  },
): Router {
  const router = Router();
  const { mfa, users, limiters, urls } = deps;
  const requireAuth = deps.requireAuth();
  const stepUp = createStepUp(deps);
  // Cognito asks a federated account for no second step (its provider has its own): it goes to the profile.
  router.all([...MFA_SETTINGS_PATHS], deps.refuseFederated('notice.federated_mfa'));
  router.all([...MFA_PATHS], limiters.perIp);

  /**
   * The set-up page: the start button, or the pending secret as a QR code and as text, with the code form.
   * Either way a new key needs the current password (TOTP is off here, so no code).
   */
  async function renderSetup(req: Request, res: Response, status: number, form: FormState, step?: StepUpForm): Promise<void> {
    const pending = peekState(req)?.mfaSetup;
    const user = userOf(req);
    const label = user.email ?? user.username;
    const enrolment = pending ? await buildTotpEnrolment({ secret: pending.secret, issuer: TOTP_ISSUER, label }) : undefined;
    const shown = step ?? (await stepUp.form(req, tokensOf(req).accessToken, { returnTo: urls.to('/mfa/setup'), totpEnabled: false }));
    renderForm(res, 'mfa-setup', status, form, { enrolment, stepUp: shown });
  }

  /* GET /mfa/setup — the start button, or (after it) the QR code, the key as text and the first-code form. */
  router.get(
    '/mfa/setup',
    requireAuth,
    withAccessToken(deps.sessions, async (req, res, accessToken) => {
      if (await users.totpEnabled(accessToken)) return res.redirect(303, urls.to('/profile'));
      await renderSetup(req, res, 200, emptyForm());
    }),
  );

  /*
   * POST /mfa/setup — the step-up first (the current password, checked by Cognito and counted like a
   * sign-in), so that a stolen session cannot tie the account to the thief's authenticator; then
   * AssociateSoftwareToken: a new secret, kept in the server-side session until a first code confirms
   * it. Refused while TOTP is on: a new association must not replace a working one.
   */
  router.post(
    '/mfa/setup',
    requireAuth,
    withAccessToken(deps.sessions, async (req, res, accessToken) => {
      if (await users.totpEnabled(accessToken)) return res.redirect(303, urls.to('/profile'));
      // A pending key survives a failed step-up: only a successful one renews the session.
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo: urls.to('/mfa/setup'), totpEnabled: false });
      if (!stepped.ok) return renderSetup(req, res, stepped.status, { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error }, stepped.stepUp);
      sessionState(req).mfaSetup = { secret: await mfa.associateTotp(stepped.accessToken) };
      res.redirect(303, urls.to('/mfa/setup'));
    }),
  );

  /*
   * POST /mfa/setup/confirm — VerifySoftwareToken with the first code, then SetUserMFAPreference: on. The
   * user's other sessions end (someone switching it on often suspects a stolen session); this one stays.
   */
  router.post(
    '/mfa/setup/confirm',
    requireAuth,
    withAccessToken(deps.sessions, async (req, res, accessToken) => {
      if (!peekState(req)?.mfaSetup) return res.redirect(303, urls.to('/mfa/setup'));
      const parsed = parseForm({ code: fields.totp }, req.body);
      if (!parsed.ok) return renderSetup(req, res, 400, { values: {}, fieldErrors: parsed.fieldErrors });
      try {
        await mfa.enableTotp(accessToken, parsed.data.code);
      } catch (err) {
        if (!isFormError(err)) throw err;
        return renderSetup(req, res, err.status, { values: {}, fieldErrors: {}, error: err.code });
      }
      delete sessionState(req).mfaSetup;
      const user = userOf(req);
      await endAccountSessions(req, deps.sessions, users, user, NO_GLOBAL_SIGN_OUT, { except: req.sessionID, reason: 'two-step sign-in switched on' });
      setNotice(req, 'notice.mfa_enabled');
      res.redirect(303, urls.to('/profile'));
    }),
  );

  /* GET /mfa/disable — the step-up form (the current password and a current code) to switch it off. */
  router.get(
    '/mfa/disable',
    requireAuth,
    withAccessToken(deps.sessions, async (req, res, accessToken) => {
      if (!(await users.totpEnabled(accessToken))) return res.redirect(303, urls.to('/profile'));
      renderForm(res, 'mfa-disable', 200, emptyForm(), { stepUp: await stepUp.form(req, accessToken, { returnTo: urls.to('/mfa/disable'), totpEnabled: true }) });
    }),
  );

  /*
   * POST /mfa/disable — a full re-authentication first (ASVS 5.0 V7.5.1): Cognito's own sign-in with the
   * current password, then its SOFTWARE_TOKEN_MFA challenge with the code; the fresh tokens replace the
   * session's. Then SetUserMFAPreference: off, with the fresh access token.
   */
  router.post(
    '/mfa/disable',
    requireAuth,
    withAccessToken(deps.sessions, async (req, res, accessToken) => {
      if (!(await users.totpEnabled(accessToken))) return res.redirect(303, urls.to('/profile'));
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo: urls.to('/mfa/disable'), totpEnabled: true });
      if (!stepped.ok) return renderForm(res, 'mfa-disable', stepped.status, { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error }, { stepUp: stepped.stepUp });
      await mfa.disableTotp(stepped.accessToken);
      setNotice(req, 'notice.mfa_disabled');
      res.redirect(303, urls.to('/profile'));
    }),
  );

  /**
   * Lets a request through only while a code challenge waits in this browser's session: none goes to the
   * sign-in page, an expired one there with a message.
   */
  function requireChallenge(req: Request, res: Response, next: NextFunction): void {
    const challenge = pendingMfaChallenge(req, deps.clock());
    if (challenge === undefined) return res.redirect(303, urls.to('/login'));
    if (challenge === 'expired') {
      setNotice(req, 'error.mfa_expired');
      return res.redirect(303, urls.to('/login'));
    }
    if (req.method === 'POST') req.body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), email: challenge.email };
    next();
  }

  /* GET /login/mfa — the code page of the second sign-in step. */
  router.get('/login/mfa', requireChallenge, (_req, res) => renderForm(res, 'login-mfa', 200, emptyForm()));

  /*
   * POST /login/mfa — RespondToAuthChallenge (SOFTWARE_TOKEN_MFA) with the challenge kept in the session.
   * Wrong codes count against the address together with wrong passwords, and against the account on
   * their own (a ceiling per hour from all IPs). Success makes exactly the session a password-only
   * sign-in makes; a challenge Cognito no longer accepts sends back to sign-in.
   */
  router.post(
    '/login/mfa',
    requireChallenge,
    ...limiters.signInFailures,
    limiters.mfaFailuresPerAccount,
    asyncHandler(async (req, res) => {
      const challenge = peekState(req)!.mfaChallenge!;
      const parsed = parseForm({ code: fields.totp }, req.body);
      if (!parsed.ok) return renderForm(res, 'login-mfa', 400, { values: {}, fieldErrors: parsed.fieldErrors });
      let signedIn: SignedIn;
      try {
        const tokens = await deps.users.answerTotpChallenge(challenge.username, challenge.session, parsed.data.code, visitorOf(req));
        signedIn = await signedInFromApiTokens(deps.verifier, tokens);
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'mfa_expired') {
          delete sessionState(req).mfaChallenge;
          setNotice(req, 'error.mfa_expired');
          return res.redirect(303, urls.to('/login'));
        }
        return renderFormError(res, 'login-mfa', err, {});
      }
      delete sessionState(req).mfaChallenge;
      await finishSignIn(req, res, deps, signedIn, safeReturnTo(challenge.returnTo) ?? deps.signedInTo);
    }),
  );

  return router;
}
