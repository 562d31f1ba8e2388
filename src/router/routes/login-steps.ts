import type { NextFunction, Request, Response, Router } from 'express';
import { asyncHandler } from '../../async-handler';
import { pendingMfaChallenge } from '../../auth/mfa-challenge';
import type { SignInFlow } from '../../auth/sign-in-flow';
import type { PasswordlessChallenge } from '../../auth/types';
import { peekState, sessionState } from '../../auth/session-state';
import { FIRST_AUTH_FACTORS, type FirstAuthFactor } from '../../cognito/pool-settings';
import { CognitoAuthError, isFormError } from '../../errors';
import type { MessageKey } from '../../i18n';
import type { ViewName } from '../render';
import { countAsCodeAttempt } from './count-failures';
import { providerButtons } from './federation';
import { emptyForm, fields, newPasswordProblem, parseForm, renderForm, renderFormError, setNotice } from './forms';
import { followOutcome, type LoginRouteDeps } from './finish-sign-in';

/** The steps after the sign-in page, below the mount (served by the login group; see login.ts). */
export const SIGN_IN_STEP_PATHS = ['/login/new-password', '/login/mfa', '/login/choose', '/login/code', '/login/passkey'] as const;

/** The choice-based steps' views (hosts can replace them with `render.views` like any page). */
const VIEWS = { choose: 'login-choose', code: 'login-code', passkey: 'login-passkey' } as const satisfies Record<string, ViewName>;

/**
 * Adds the steps of a sign-in after the first page to the login group's router: new password, two-step
 * code, choice, e-mailed code, passkey.
 */
export function addSignInSteps(router: Router, deps: LoginRouteDeps & { flow: SignInFlow }): void {
  const { users, limiters, urls, flow } = deps;

  /** Back to the sign-in page with `notice`: the step is gone (expired, used, or never started here). */
  const restart = (req: Request, res: Response, notice?: MessageKey) => {
    if (notice) setNotice(req, notice);
    res.redirect(303, urls.to('/login'));
  };

  /**
   * Lets a request through only while a choice-based step `step` waits in this browser's session; the
   * limits then count it against the address the sign-in started with.
   */
  const requireStep = (step: PasswordlessChallenge['step']) => (req: Request, res: Response, next: NextFunction) => {
    const challenge = flow.pending(req, step);
    if (challenge === undefined) return restart(req, res);
    if (challenge === 'expired') return restart(req, res, 'signin.expired');
    res.locals.signInStep = challenge;
    if (req.method === 'POST') req.body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), email: challenge.email };
    next();
  };
  const stepOf = (res: Response) => res.locals.signInStep as PasswordlessChallenge;

  /** Lets a request through only while a two-step code challenge waits; an expired one goes back with a message. */
  function requireMfaChallenge(req: Request, res: Response, next: NextFunction): void {
    const challenge = pendingMfaChallenge(req, deps.clock());
    if (challenge === undefined) return restart(req, res);
    if (challenge === 'expired') return restart(req, res, 'error.mfa_expired');
    if (req.method === 'POST') req.body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), email: challenge.email };
    next();
  }

  /* GET /login/new-password — only while a NEW_PASSWORD_REQUIRED challenge is waiting. */
  router.get(
    '/login/new-password',
    asyncHandler(async (req, res) => {
      if (!peekState(req)?.challenge) return restart(req, res);
      renderForm(res, 'login-new-password', 200, emptyForm(), { policy: await users.passwordPolicy() });
    }),
  );

  /* POST /login/new-password — the challenge's answer, then the same session as any sign-in. */
  router.post(
    '/login/new-password',
    asyncHandler(async (req, res) => {
      if (!peekState(req)?.challenge) return restart(req, res);
      const policy = await users.passwordPolicy();
      const parsed = parseForm({ password: fields.password, passwordConfirm: fields.password }, req.body);
      if (!parsed.ok) return renderForm(res, 'login-new-password', 400, { values: {}, fieldErrors: parsed.fieldErrors }, { policy });
      const problem = newPasswordProblem(policy, parsed.data.password, parsed.data.passwordConfirm);
      if (problem) return renderForm(res, 'login-new-password', 400, { values: {}, ...problem }, { policy });
      try {
        await followOutcome(req, res, deps, await flow.newPassword(req, parsed.data.password));
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'session_expired') {
          delete sessionState(req).challenge;
          return restart(req, res, 'error.session_expired');
        }
        renderFormError(res, 'login-new-password', err, {}, { policy });
      }
    }),
  );

  /* GET /login/mfa — the code page of the second sign-in step. */
  router.get('/login/mfa', requireMfaChallenge, (_req, res) => renderForm(res, 'login-mfa', 200, emptyForm()));

  /*
   * POST /login/mfa — the SOFTWARE_TOKEN_MFA answer with the challenge kept in the session. Wrong codes
   * count against the address together with wrong passwords, and against the account on their own (a
   * ceiling per hour from all IPs). Success makes exactly the session a password-only sign-in makes; a
   * challenge Cognito no longer accepts sends back to sign-in.
   */
  router.post(
    '/login/mfa',
    requireMfaChallenge,
    ...limiters.signInFailures,
    limiters.mfaFailuresPerAccount,
    asyncHandler(async (req, res) => {
      const parsed = parseForm({ code: fields.totp }, req.body);
      if (!parsed.ok) return renderForm(res, 'login-mfa', 400, { values: {}, fieldErrors: parsed.fieldErrors });
      try {
        await followOutcome(req, res, deps, await flow.totp(req, parsed.data.code));
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'mfa_expired') {
          delete sessionState(req).mfaChallenge;
          return restart(req, res, 'error.mfa_expired');
        }
        renderFormError(res, 'login-mfa', err, {});
      }
    }),
  );

  /** The factors the choice page shows: what Cognito offers this account, of those the page offers. */
  const choicesOf = async (challenge: PasswordlessChallenge): Promise<FirstAuthFactor[]> => {
    const offered = (await users.firstFactors()).offered;
    return (challenge.available ?? []).filter((f) => offered.includes(f));
  };

  /* GET /login/choose — Cognito's SELECT_CHALLENGE: the ways this account may sign in. */
  router.get(
    '/login/choose',
    requireStep('select'),
    asyncHandler(async (_req, res) => {
      const challenge = stepOf(res);
      renderForm(res, VIEWS.choose, 200, emptyForm(), { email: challenge.email, choices: await choicesOf(challenge) });
    }),
  );

  /*
   * POST /login/choose — SELECT_CHALLENGE's answer: the password (with it, in the same call), or the code
   * by e-mail or the passkey, whose own step follows. A refused password goes back to the sign-in page
   * (Cognito's challenge is used up by the answer), with the same message as there.
   */
  router.post(
    '/login/choose',
    requireStep('select'),
    ...limiters.signInFailures,
    asyncHandler(async (req, res) => {
      const challenge = stepOf(res);
      const choices = await choicesOf(challenge);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const answer = FIRST_AUTH_FACTORS.find((f) => f === body.answer && choices.includes(f));
      if (!answer)
        return renderForm(res, VIEWS.choose, 400, { values: {}, fieldErrors: {}, error: 'invalid_input' }, { email: challenge.email, choices });
      const parsed = parseForm(answer === 'PASSWORD' ? { password: fields.password } : {}, req.body);
      if (!parsed.ok) return renderForm(res, VIEWS.choose, 400, { values: {}, fieldErrors: parsed.fieldErrors }, { email: challenge.email, choices });
      try {
        await followOutcome(req, res, deps, await flow.select(req, challenge, answer, (parsed.data as { password?: string }).password));
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'mfa_expired') return restart(req, res, 'signin.expired');
        if (!isFormError(err)) throw err;
        delete sessionState(req).passwordlessChallenge;
        renderForm(
          res,
          'login',
          err.status,
          { values: { email: challenge.email }, fieldErrors: {}, error: err.code },
          {
            returnTo: challenge.returnTo,
            providerButtons: providerButtons(deps.identityProviders, urls, challenge.returnTo),
            choice: (await users.firstFactors()).offered,
          },
        );
      }
    }),
  );

  /* GET /login/code — the page for the code Cognito e-mailed (EMAIL_OTP). */
  router.get('/login/code', requireStep('email-code'), (_req, res) => {
    renderForm(res, VIEWS.code, 200, emptyForm(), { destination: stepOf(res).destination });
  });

  /*
   * POST /login/code — EMAIL_OTP's answer. Codes count like the other codes: against the address and IP
   * with wrong passwords, and per account on their own (from all IPs). A wrong code leaves the step for
   * another try; a challenge Cognito no longer accepts goes back to the sign-in page.
   */
  router.post(
    '/login/code',
    requireStep('email-code'),
    ...limiters.signInFailures,
    asyncHandler(async (req, res) => {
      const challenge = stepOf(res);
      const locals = { destination: challenge.destination };
      const parsed = parseForm({ code: fields.code }, req.body);
      if (!parsed.ok) return renderForm(res, VIEWS.code, 400, { values: {}, fieldErrors: parsed.fieldErrors }, locals);
      await countAsCodeAttempt(req, res, limiters.codeFailuresPerAccount, challenge.username);
      try {
        await followOutcome(req, res, deps, await flow.emailCode(req, challenge, parsed.data.code));
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'mfa_expired') {
          delete sessionState(req).passwordlessChallenge;
          return restart(req, res, 'signin.expired');
        }
        renderFormError(res, VIEWS.code, err, {}, locals);
      }
    }),
  );

  /* GET /login/passkey — the passkey step: the page hands WEB_AUTHN's options to the browser's script. */
  router.get('/login/passkey', requireStep('passkey'), (_req, res) => {
    renderForm(res, VIEWS.passkey, 200, emptyForm(), { options: stepOf(res).options ?? '{}' });
  });

  /*
   * POST /login/passkey — WEB_AUTHN's answer: the browser's assertion (`credential`, the JSON its script
   * put there). Without one (no JavaScript, or the browser's ceremony failed) the page says so; an
   * assertion Cognito refuses can be tried again while the step lasts.
   */
  router.post(
    '/login/passkey',
    requireStep('passkey'),
    ...limiters.signInFailures,
    asyncHandler(async (req, res) => {
      const challenge = stepOf(res);
      const locals = { options: challenge.options ?? '{}' };
      const credential = (req.body as Record<string, unknown>).credential;
      if (typeof credential !== 'string' || !isJsonObject(credential)) {
        return renderForm(res, VIEWS.passkey, 400, emptyForm(), { ...locals, message: 'signin.passkey.needsScript' });
      }
      try {
        await followOutcome(req, res, deps, await flow.passkey(req, challenge, credential));
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'mfa_expired') {
          return renderForm(res, VIEWS.passkey, 401, emptyForm(), { ...locals, message: 'signin.passkey.refused' });
        }
        renderFormError(res, VIEWS.passkey, err, {}, locals);
      }
    }),
  );
}

/** True for a JSON object of a sensible size (a browser's assertion is a few kilobytes). */
function isJsonObject(text: string): boolean {
  if (text.length > 16_384) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
