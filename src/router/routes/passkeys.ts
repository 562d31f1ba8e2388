import { Router, type NextFunction, type Request, type Response } from 'express';
import { peekState, sessionState, signedInOf, tokensOf } from '../../auth/session-state';
import type { PasskeyAvailability, PasskeyService, PasskeySummary } from '../../cognito/passkey-service';
import { CognitoAuthError } from '../../errors';
import type { MessageKey } from '../../i18n';
import { logOf } from '../../log';
import { settle } from '../../settle';
import type { ViewName } from '../render';
import { withAccessToken } from './access-token';
import { emptyForm, renderForm, setNotice, type AccountRouteDeps, type FormState } from './forms';
import { createStepUp, type StepUpForm } from './step-up';

/** The passkeys page and its forms, below the mount: the router serves these paths (see page-groups.ts). */
export const PASSKEYS_PATHS = ['/profile/passkeys', '/profile/passkeys/add', '/profile/passkeys/complete', '/profile/passkeys/remove'] as const;

/** The page's template (one page, three steps: the list, the browser's ceremony, the removal's confirmation). */
const VIEW: ViewName = 'profile-passkeys';

/**
 * How long after the step-up the browser may send the new passkey: as long as the emulator keeps the
 * registration's challenge (Cognito documents no figure, only that the challenge expires).
 */
export const REGISTRATION_WINDOW_MS = 5 * 60 * 1000;

/** The longest credential (RegistrationResponseJSON) taken: far above a real one (about 1–2 kB), below the body limit. */
const CREDENTIAL_MAX_CHARS = 12_000;
/** Cognito's limits: `CredentialId` and `NextToken` (API_DeleteWebAuthnCredential.html, API_ListWebAuthnCredentials.html). */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,1024}$/;
const NEXT_TOKEN_MAX_CHARS = 131_072;
/** Pages of the list searched for the passkey a removal names. */
const SEARCH_PAGES = 10;

/** What the profile page (views/profile.ejs) gets as `locals.passkeys`, to link here only where passkeys work. */
export interface PasskeysLink {
  href: string;
  available: boolean;
}

/**
 * The profile's passkeys: the list (ListWebAuthnCredentials), adding one (the step-up, then
 * StartWebAuthnRegistration, the browser's ceremony in public/passkeys.js, CompleteWebAuthnRegistration)
 * and removing one (the step-up, then DeleteWebAuthnCredential). Where the pool offers no passkeys, or its
 * relying party does not fit the pages' host, the page says so instead of starting a ceremony that the
 * browser would refuse.
 */
export function createPasskeysRouter(
  deps: Pick<AccountRouteDeps, 'users' | 'verifier' | 'limiters' | 'sessions' | 'urls' | 'requireAuth' | 'clock' | 'refuseFederated'> & {
    passkeys: PasskeyService;
    identityProviders?: readonly string[] | undefined;
  },
): Router {
  const router = Router();
  const { passkeys, urls, sessions, clock } = deps;
  const requireAuth = deps.requireAuth();
  const stepUp = createStepUp(deps);
  const listPage = urls.to('/profile/passkeys');
  let warned = false;

  /** The pool check, with one warning in the log the first time it finds something a host must fix. */
  async function availability(req: Request): Promise<PasskeyAvailability> {
    const found = await passkeys.availability();
    if (!warned && !found.available && found.reason === 'relying-party-mismatch') {
      warned = true;
      logOf(req).warn(
        { relyingPartyId: found.relyingPartyId, host: found.host, problem: found.problem },
        "passkeys: the user pool's relying party ID does not fit the host of baseUrl, so browsers would refuse every passkey ceremony; the passkeys page says passkeys are unavailable",
      );
    } else if (!warned && found.available && found.relyingPartyId === undefined) {
      warned = true;
      logOf(req).warn(
        { action: 'cognito-idp:GetUserPoolMfaConfig' },
        'passkeys: the relying party ID could not be read (permission denied), so it is not checked against baseUrl',
      );
    }
    return found;
  }

  router.all([...PASSKEYS_PATHS], deps.limiters.perIp);
  // Cognito's passkey sign-in (USER_AUTH) is for the pool's own accounts: a federated account signs in
  // through its provider, and a passkey registered for it could never sign it in.
  router.all([...PASSKEYS_PATHS], deps.refuseFederated('passkeys.notice.federated'));

  /*
   * GET /profile (the profile group's page, which this group runs before): tells it whether to link here,
   * as `locals.passkeys`. Not a route of this group: the page stays the profile group's.
   */
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.toLowerCase().replace(/\/$/, '') !== '/profile') return next();
    const signedIn = signedInOf(req);
    if (!signedIn) return next();
    const shown = (available: boolean): void => {
      res.locals.passkeys = { href: listPage, available } satisfies PasskeysLink;
      next();
    };
    if (signedIn.user.identityProvider) return shown(false);
    // The profile must not fail over this link: a failed pool check just hides it.
    settle(
      availability(req),
      (found) => shown(found.available),
      () => shown(false),
    );
  });

  /** The list page, with the add form's step-up; an unavailable pool shows only why. */
  async function renderList(
    req: Request,
    res: Response,
    status: number,
    shown: { form?: FormState; step?: StepUpForm; error?: MessageKey; after?: string } = {},
  ) {
    const found = await availability(req);
    if (!found.available)
      return renderForm(res, VIEW, status, emptyForm(), { step: 'unavailable', mismatch: found.reason === 'relying-party-mismatch' });
    const accessToken = tokensOf(req).accessToken;
    const page = await passkeys.list(accessToken, shown.after);
    const stepUpForm = shown.step ?? (await stepUp.form(req, accessToken, { returnTo: listPage }));
    renderForm(res, VIEW, status, shown.form ?? emptyForm(), {
      step: 'list',
      passkeys: page.passkeys,
      nextHref: page.nextToken ? `${listPage}?${new URLSearchParams({ after: page.nextToken }).toString()}` : undefined,
      firstHref: shown.after ? listPage : undefined,
      stepUp: stepUpForm,
      passkeyError: shown.error,
    });
  }

  /* GET /profile/passkeys — the account's passkeys (a page at a time: `?after=` is Cognito's NextToken) and the add form. */
  router.get(
    '/profile/passkeys',
    requireAuth,
    withAccessToken(sessions, async (req, res) => {
      const after = (req.query as Record<string, unknown>).after;
      if (after !== undefined && (typeof after !== 'string' || after.length === 0 || after.length > NEXT_TOKEN_MAX_CHARS)) {
        throw new CognitoAuthError('bad_request', 'passkeys: a bad page token');
      }
      await renderList(req, res, 200, { after });
    }),
  );

  for (const path of ['/profile/passkeys/add', '/profile/passkeys/complete']) router.get(path, (_req, res) => res.redirect(303, listPage));

  /*
   * POST /profile/passkeys/add — the step-up first (a stolen session must not add the thief's passkey),
   * then StartWebAuthnRegistration; the page hands the creation options to the browser. Nothing of the
   * registration is kept but the moment of the step-up: Cognito keeps the challenge.
   */
  router.post(
    '/profile/passkeys/add',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      if (!(await availability(req)).available) return res.redirect(303, listPage);
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo: listPage });
      if (!stepped.ok)
        return renderList(req, res, stepped.status, {
          form: { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error },
          step: stepped.stepUp,
        });
      const started = await passkeys.startRegistration(stepped.accessToken);
      if (!started.ok) return renderList(req, res, 409, { error: started.reason === 'limit' ? 'passkeys.error.limit' : 'passkeys.error.failed' });
      sessionState(req).passkeyRegistration = { startedAt: clock() };
      renderForm(res, VIEW, 200, emptyForm(), { step: 'create', creationOptions: started.options });
    }),
  );

  /* POST /profile/passkeys/complete — CompleteWebAuthnRegistration with what the browser created, within minutes of the step-up. */
  router.post(
    '/profile/passkeys/complete',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const state = peekState(req);
      const startedAt = state?.passkeyRegistration?.startedAt;
      if (state) delete state.passkeyRegistration;
      if (startedAt === undefined || clock() - startedAt > REGISTRATION_WINDOW_MS) {
        setNotice(req, 'passkeys.error.expired');
        return res.redirect(303, listPage);
      }
      const credential = credentialOf((req.body as Record<string, unknown> | undefined)?.credential);
      if (!credential) return renderList(req, res, 400, { error: 'passkeys.error.missing' });
      const outcome = await passkeys.completeRegistration(accessToken, credential);
      if (outcome === 'added') {
        setNotice(req, 'passkeys.notice.added');
        return res.redirect(303, listPage);
      }
      const error: Record<typeof outcome, MessageKey> = {
        expired: 'passkeys.error.expired',
        refused: 'passkeys.error.refused',
        limit: 'passkeys.error.limit',
        'not-available': 'passkeys.unavailable',
      };
      await renderList(req, res, outcome === 'limit' ? 409 : 400, { error: error[outcome] });
    }),
  );

  /** The passkey `id` names, searched through the list's pages. */
  async function findPasskey(accessToken: string, id: string): Promise<PasskeySummary | undefined> {
    let next: string | undefined;
    for (let i = 0; i < SEARCH_PAGES; i++) {
      const page = await passkeys.list(accessToken, next);
      const found = page.passkeys.find((p) => p.id === id);
      if (found || !page.nextToken) return found;
      next = page.nextToken;
    }
    return undefined;
  }

  /** The removal's confirmation page, or back to the list where the passkey is gone. */
  async function renderRemove(req: Request, res: Response, status: number, id: unknown, shown: { form?: FormState; step?: StepUpForm } = {}) {
    const accessToken = tokensOf(req).accessToken;
    const passkey = typeof id === 'string' && CREDENTIAL_ID.test(id) ? await findPasskey(accessToken, id) : undefined;
    if (!passkey) {
      setNotice(req, 'passkeys.error.notFound');
      return res.redirect(303, listPage);
    }
    const stepUpForm =
      shown.step ??
      (await stepUp.form(req, accessToken, {
        returnTo: `${urls.to('/profile/passkeys/remove')}?${new URLSearchParams({ credential: passkey.id }).toString()}`,
      }));
    renderForm(res, VIEW, status, shown.form ?? emptyForm(), { step: 'remove', passkey, stepUp: stepUpForm });
  }

  /* GET /profile/passkeys/remove?credential=… — which passkey, and the step-up to remove it. */
  router.get(
    '/profile/passkeys/remove',
    requireAuth,
    withAccessToken(sessions, (req, res) => renderRemove(req, res, 200, (req.query as Record<string, unknown>).credential)),
  );

  /* POST /profile/passkeys/remove — the step-up, then DeleteWebAuthnCredential. */
  router.post(
    '/profile/passkeys/remove',
    requireAuth,
    withAccessToken(sessions, async (req, res, accessToken) => {
      const id = (req.body as Record<string, unknown> | undefined)?.credentialId;
      if (typeof id !== 'string' || !CREDENTIAL_ID.test(id)) throw new CognitoAuthError('bad_request', 'passkeys: a bad credential id');
      const returnTo = `${urls.to('/profile/passkeys/remove')}?${new URLSearchParams({ credential: id }).toString()}`;
      const stepped = await stepUp.confirm(req, res, accessToken, { returnTo });
      if (!stepped.ok)
        return renderRemove(req, res, stepped.status, id, {
          form: { values: {}, fieldErrors: stepped.fieldErrors, error: stepped.error },
          step: stepped.stepUp,
        });
      const removed = await passkeys.remove(stepped.accessToken, id);
      setNotice(req, removed === 'removed' ? 'passkeys.notice.removed' : 'passkeys.error.notFound');
      res.redirect(303, listPage);
    }),
  );

  return router;
}

/** The browser's RegistrationResponseJSON from the form: a JSON object with an id, or undefined. */
function credentialOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > CREDENTIAL_MAX_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const object = parsed as Record<string, unknown>;
  return typeof object.id === 'string' && object.type === 'public-key' ? object : undefined;
}
