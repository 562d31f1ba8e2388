import { Router, type Request, type Response } from 'express';
import { endAccountSessions, NO_GLOBAL_SIGN_OUT } from '../../auth/account-sign-out';
import { peekState, sessionState, tokensOf, userOf } from '../../auth/session-state';
import { buildTotpEnrolment } from './totp-enrolment';
import type { MfaService } from '../../cognito/mfa-service';
import { isFormError } from '../../errors';
import { en } from '../../i18n/en';
import { withAccessToken } from './access-token';
import { emptyForm, fields, parseForm, renderForm, setNotice, type AccountRouteDeps, type FormState } from './forms';
import { createStepUp, type StepUpForm } from './step-up';

/** The issuer an authenticator app lists: the app's name, the same in every language (one account, one entry). */
const TOTP_ISSUER = en['app.name'];

/** The two-step set-up and switch-off pages, below the mount (a signed-in person's). */
const MFA_SETTINGS_PATHS = ['/mfa/setup', '/mfa/setup/confirm', '/mfa/disable'] as const;

/**
 * The two-step pages, below the mount: the router serves these paths (see page-groups.ts). The code step
 * of a sign-in (`/login/mfa`) is the sign-in flow's (routes/login-steps.ts).
 */
export const MFA_PATHS = MFA_SETTINGS_PATHS;

/**
 * Two-step sign-in with an authenticator app: the set-up and switch-off pages. Setting up and switching
 * off both re-authenticate first (the step-up: the password, and the code while TOTP is on).
 */
export function createMfaRouter(
  deps: Pick<
    AccountRouteDeps,
    'users' | 'verifier' | 'limiters' | 'requireAuth' | 'sessions' | 'urls' | 'clock' | 'signedInTo' | 'afterSignIn' | 'refuseFederated'
  > & {
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
      if (!stepped.ok)
        return renderSetup(req, res, stepped.status, { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error }, stepped.stepUp);
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
      await endAccountSessions(req, deps.sessions, users, user, NO_GLOBAL_SIGN_OUT, {
        except: req.sessionID,
        reason: 'two-step sign-in switched on',
      });
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
      renderForm(res, 'mfa-disable', 200, emptyForm(), {
        stepUp: await stepUp.form(req, accessToken, { returnTo: urls.to('/mfa/disable'), totpEnabled: true }),
      });
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
      if (!stepped.ok)
        return renderForm(
          res,
          'mfa-disable',
          stepped.status,
          { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error },
          { stepUp: stepped.stepUp },
        );
      await mfa.disableTotp(stepped.accessToken);
      setNotice(req, 'notice.mfa_disabled');
      res.redirect(303, urls.to('/profile'));
    }),
  );

  return router;
}
