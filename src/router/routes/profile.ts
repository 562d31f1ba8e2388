import { Router, type Request, type Response } from 'express';
import { asyncHandler } from '../../async-handler';
import { peekState, tokensOf, userOf } from '../../auth/session-state';
import { signOutAccountEverywhere } from '../../auth/account-sign-out';
import { endSession, endSessionsOf } from '../../auth/start-session';
import type { UserAttributes } from '../../cognito/user-service';
import { CognitoAuthError, isFormError } from '../../errors';
import { withAccessToken } from './access-token';
import { emptyForm, fields, keepValues, parseForm, renderForm, setNotice, type AccountRouteDeps, type FormState } from './forms';
import { createStepUp, type StepUpForm } from './step-up';

/** The profile page and its forms, below the mount: the router serves these paths (see page-groups.ts). */
export const PROFILE_PATHS = ['/profile', '/profile/delete', '/profile/sign-out-everywhere'] as const;

/**
 * The profile page: attributes from GetUser, the display name, signing out everywhere, and deleting the
 * account (after the step-up: the password, and a code while TOTP is on; a recent sign-in for a federated
 * account).
 */
export function createProfileRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock'> & {
    afterDeleteTo: string;
    /** The providers `/login/hosted?provider=` accepts (a federated account's fresh sign-in before deleting). */
    identityProviders?: readonly string[] | undefined;
  },
): Router {
  const router = Router();
  const { users, urls, sessions } = deps;
  const requireAuth = deps.requireAuth();
  const stepUp = createStepUp(deps);
  const profilePage = urls.to('/profile');

  /** The profile page, with the session's current access token (a step-up may have just renewed it). */
  async function renderProfile(
    req: Request,
    res: Response,
    status: number,
    form?: (attributes: UserAttributes) => FormState,
    step?: StepUpForm,
    options: { deleteOpen?: boolean } = {},
  ) {
    const accessToken = tokensOf(req).accessToken;
    const attributes = await users.getUser(accessToken);
    // The two-step status, where the page asked for it (GET).
    const totpEnabled = typeof res.locals.totpEnabled === 'boolean' ? res.locals.totpEnabled : undefined;
    const shown = step ?? (await stepUp.form(req, accessToken, { returnTo: profilePage, totpEnabled }));
    const state = peekState(req);
    renderForm(res, 'profile', status, form ? form(attributes) : emptyForm({ name: attributes.name ?? '' }), {
      attributes,
      emailChange: state?.emailChange,
      stepUp: shown,
      // The delete form opens again where its answer was refused (a `<details>`: no script needed).
      deleteOpen: options.deleteOpen === true,
      signedInAt: state?.createdAt,
      tokenExpiresAt: tokensOf(req).idTokenExpiresAt * 1000,
    });
  }

  /**
   * Whether two-step sign-in is on, for the page's two-step block and the delete form's step-up; undefined
   * when Cognito no longer accepts the session (the page's own GetUser then meets it and ends the session).
   */
  async function totpStatus(accessToken: string): Promise<boolean | undefined> {
    try {
      return await users.totpEnabled(accessToken);
    } catch (err) {
      if (!(err instanceof CognitoAuthError && err.code === 'session_expired')) throw err;
      return undefined;
    }
  }

  /* GET /profile — signed in only: the account's attributes as Cognito has them, and whether two-step sign-in is on. */
  router.get(
    '/profile',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      res.locals.totpEnabled = await totpStatus(accessToken);
      await renderProfile(req, res, 200);
    }),
  );

  /* POST /profile — UpdateUserAttributes: the display name (`name`). */
  router.post(
    '/profile',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const parsed = parseForm({ name: fields.name }, req.body);
      if (!parsed.ok) {
        const fieldErrors = parsed.fieldErrors;
        return renderProfile(req, res, 400, () => ({ values: keepValues(req.body, ['name']), fieldErrors }));
      }
      try {
        await users.updateName(accessToken, parsed.data.name);
      } catch (err) {
        // A refusal the person can act on (a pool trigger) stays beside the form, with the name kept.
        if (!isFormError(err)) throw err;
        return renderProfile(req, res, err.status, () => ({ values: { name: parsed.data.name }, fieldErrors: {}, error: err.code }));
      }
      setNotice(req, 'notice.profile_updated');
      res.redirect(303, urls.to('/profile'));
    }),
  );

  router.get('/profile/delete', (_req, res) => res.redirect(303, urls.to('/profile')));
  router.get('/profile/sign-out-everywhere', (_req, res) => res.redirect(303, urls.to('/profile')));

  /*
   * POST /profile/sign-out-everywhere — revokes the user's tokens at Cognito, then ends every session of
   * the user on every instance (this one included); the sign-in page says so.
   */
  router.post(
    '/profile/sign-out-everywhere',
    requireAuth,
    asyncHandler(async (req, res) => {
      const user = userOf(req);
      const tokens = peekState(req)?.tokens;
      await signOutAccountEverywhere(
        req,
        sessions,
        users,
        { sub: user.sub, username: user.username, accessToken: tokens?.accessToken, refreshToken: tokens?.refreshToken },
        { reason: 'signed out everywhere' },
      );
      await endSession(req, res, sessions);
      res.redirect(303, urls.signIn({ notice: 'signed_out_everywhere' }));
    }),
  );

  /*
   * POST /profile/delete — DeleteUser after the person typed the account's email and passed the step-up (a
   * full re-authentication whose fresh access token makes the call); ends this session and every other
   * one of the user (Cognito refuses a deleted user's tokens by itself).
   */
  router.post(
    '/profile/delete',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const parsed = parseForm({ confirmEmail: fields.email }, req.body);
      const typed = parsed.ok ? parsed.data.confirmEmail : '';
      const keepName = (attributes: UserAttributes) => ({ name: attributes.name ?? '' });
      if (!parsed.ok || typed !== (userOf(req).email ?? '').toLowerCase()) {
        const fieldErrors = parsed.ok ? { confirmEmail: 'error.email_mismatch' as const } : parsed.fieldErrors;
        return renderProfile(req, res, 400, (attributes) => ({ values: keepName(attributes), fieldErrors, error: 'email_mismatch' }), undefined, {
          deleteOpen: true,
        });
      }
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo: profilePage });
      if (!stepped.ok) {
        const form = (attributes: UserAttributes) => ({
          values: { ...keepName(attributes), confirmEmail: typed },
          fieldErrors: stepped.fieldErrors,
          error: stepped.error,
        });
        return renderProfile(req, res, stepped.status, form, stepped.stepUp, { deleteOpen: true });
      }
      await users.deleteUser(stepped.accessToken);
      await endSessionsOf(req, sessions, userOf(req).sub, { except: req.sessionID });
      await endSession(req, res, sessions);
      res.redirect(303, deps.afterDeleteTo);
    }),
  );

  return router;
}
