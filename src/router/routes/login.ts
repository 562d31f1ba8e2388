import { Router, type Request } from 'express';
import { asyncHandler } from '../../async-handler';
import { createSignInFlow, type SignInFlow } from '../../auth/sign-in-flow';
import { peekState, sessionState } from '../../auth/session-state';
import type { FirstAuthFactor } from '../../cognito/pool-settings';
import type { FirstFactors } from '../../cognito/user-service';
import { CognitoAuthError, isFormError } from '../../errors';
import { logOf } from '../../log';
import { safeReturnTo } from '../../urls/return-to';
import { providerButtons } from './federation';
import { followOutcome, type LoginRouteDeps } from './finish-sign-in';
import { emptyForm, fields, keepValues, parseForm, problemsOnForm, renderForm, setNotice, type FormCheckDeps } from './forms';
import { addSignInSteps, SIGN_IN_STEP_PATHS } from './login-steps';

function returnToOf(req: Request): string | undefined {
  return safeReturnTo((req.query as Record<string, unknown>).returnTo);
}

/**
 * The sign-in page and the steps after it, below the mount: the router serves these paths (see
 * page-groups.ts). The Hosted UI start (`/login/hosted`) is another group's, with limits of its own.
 */
export const LOGIN_PATHS = ['/login', ...SIGN_IN_STEP_PATHS] as const;

/** The first factors the choice-based page offers besides the password, by the button's `method` value. */
const METHODS: Record<string, FirstAuthFactor> = { 'email-code': 'EMAIL_OTP', passkey: 'WEB_AUTHN' };

/**
 * The custom sign-in page (password auth on the server, or choice-based sign-in where configured and the
 * pool allows it) and the steps after it (routes/login-steps.ts).
 */
export function createLoginRouter(deps: LoginRouteDeps & FormCheckDeps): Router {
  const router = Router();
  // First, so that an expired form token is said on the form (problemsOnForm, below).
  router.use(deps.csrf);
  const { users, limiters, urls } = deps;
  const flow: SignInFlow = createSignInFlow(deps);
  /** The sign-in page's locals besides the form: where to go afterwards, and the provider buttons. */
  const pageLocals = (returnTo: string | undefined, factors: FirstFactors) => ({
    returnTo,
    providerButtons: providerButtons(deps.identityProviders, urls, returnTo),
    choice: choiceBased(factors) ? factors.offered : undefined,
  });
  let warned = false;
  /** The factors the page offers; a configured factor the pool refuses is named in the log, once. */
  async function factorsFor(req: Request): Promise<FirstFactors> {
    const factors = await users.firstFactors();
    if (factors.refused.length > 0 && !warned) {
      warned = true;
      logOf(req).warn(
        { refused: factors.refused, offered: factors.offered },
        'cognito.firstFactors names factors the user pool does not allow as first factors (SignInPolicy.AllowedFirstAuthFactors): the sign-in page leaves them out',
      );
    }
    return factors;
  }
  router.all([...LOGIN_PATHS], limiters.perIp);

  /*
   * GET /login — the sign-in form; `returnTo` (same-origin only) is where to go afterwards. Someone
   * already signed in goes straight there (or to the default page).
   */
  router.get(
    '/login',
    asyncHandler(async (req, res) => {
      const returnTo = returnToOf(req);
      if (peekState(req)?.user) return res.redirect(303, returnTo ?? deps.signedInTo);
      const factors = await factorsFor(req);
      renderForm(res, 'login', 200, emptyForm({ email: peekState(req)?.pendingEmail ?? '' }), pageLocals(returnTo, factors));
    }),
  );

  /*
   * POST /login — the password sign-in on the server (AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH, or
   * InitiateAuth USER_PASSWORD_AUTH on the public API). With choice-based sign-in: USER_AUTH with the
   * factor the visitor chose (the password in the same call), or with none when only the address was
   * given, so that Cognito lists the account's factors. Unknown email and wrong password get the same
   * message and status; an unconfirmed account goes to the confirm page; a password reset by an
   * administrator to the reset page; each challenge to its step's page. Failures are limited per address
   * and client IP, and more loosely per address from all IPs.
   */
  router.post(
    '/login',
    ...limiters.signInFailures,
    asyncHandler(async (req, res) => {
      const returnTo = returnToOf(req);
      const factors = await factorsFor(req);
      const locals = pageLocals(returnTo, factors);
      const values = keepValues(req.body, ['email']);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const method = typeof body.method === 'string' ? METHODS[body.method] : undefined;
      const passwordGiven = typeof body.password === 'string' && body.password !== '';
      // On the choice-based page the password may be left out: a code or a passkey needs none.
      const needsPassword = !choiceBased(factors) || (method === undefined && passwordGiven && factors.offered.includes('PASSWORD'));
      const parsed = parseForm({ email: fields.email, ...(needsPassword ? { password: fields.password } : {}) }, req.body);
      if (!parsed.ok) return renderForm(res, 'login', 400, { values, fieldErrors: parsed.fieldErrors }, locals);
      const email = parsed.data.email;
      const password = needsPassword ? ((parsed.data as Record<string, unknown>).password as string) : undefined;
      (req.body as Record<string, string>).email = email;
      const start = { email, returnTo };
      try {
        const outcome = !choiceBased(factors)
          ? await flow.password(req, start, password as string)
          : await flow.choose(
              req,
              start,
              method
                ? { preferred: factors.offered.includes(method) ? method : undefined }
                : { preferred: password === undefined ? undefined : 'PASSWORD', password },
            );
        await followOutcome(req, res, deps, outcome);
      } catch (err) {
        if (err instanceof CognitoAuthError && err.code === 'password_reset_required') {
          // An administrator reset the password: Cognito has e-mailed a code for the reset page.
          sessionState(req).pendingEmail = email;
          setNotice(req, 'notice.password_reset_required');
          return res.redirect(303, urls.to('/password/reset'));
        }
        if (err instanceof CognitoAuthError && err.code === 'not_confirmed') {
          sessionState(req).pendingEmail = email;
          setNotice(req, 'notice.not_confirmed');
          return res.redirect(303, urls.to('/signup/confirm'));
        }
        if (!isFormError(err)) throw err;
        renderForm(res, 'login', err.status, { values, fieldErrors: {}, error: err.code }, locals);
      }
    }),
  );

  addSignInSteps(router, { ...deps, flow });
  // A limit met after wrong passwords, or an expired form, is said on the sign-in form with the address kept.
  router.use(
    problemsOnForm(['email'], {
      '/login': async (req, res, status, form) => renderForm(res, 'login', status, form, pageLocals(returnToOf(req), await factorsFor(req))),
    }),
  );
  return router;
}

/** Whether the page is choice-based: a factor besides the password that the pool allows. */
function choiceBased(factors: FirstFactors): boolean {
  return factors.offered.some((f) => f !== 'PASSWORD');
}
