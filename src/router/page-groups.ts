import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { RequestHandler, Router } from 'express';
import type { PendingAuthorizations } from '../auth/pending-authorizations';
import { createEmailService } from '../cognito/email-service';
import type { Mailbox } from '../cognito/mailbox';
import { createMfaService } from '../cognito/mfa-service';
import type { CognitoSettings } from '../cognito/settings';
import type { ResolvedOptions } from './options';
import { authPaths, createAuthRouter } from './routes/auth';
import { createDevMailboxRouter, DEV_MAILBOX_PATHS } from './routes/dev-mailbox';
import { createEmailRouter, EMAIL_PATHS } from './routes/email';
import type { AccountRouteDeps } from './routes/forms';
import { createLoginRouter, LOGIN_PATHS } from './routes/login';
import { createMfaRouter, MFA_PATHS } from './routes/mfa';
import { createPasswordRouter, PASSWORD_PATHS } from './routes/password';
import { createPasskeyService } from '../cognito/passkey-service';
import { createPasskeysRouter, PASSKEYS_PATHS } from './routes/passkeys';
import { createProfileRouter, PROFILE_PATHS } from './routes/profile';
import { createSignupRouter, SIGNUP_PATHS } from './routes/signup';
import { createSessionsRouter, SESSIONS_PATHS } from './routes/sessions';

/** What the page groups are built from, once the router's mount is known. */
export interface PageGroupDeps {
  /** What every custom page's router takes (users, sessions, URLs, limiters, the guard, …). */
  account: AccountRouteDeps;
  settings: CognitoSettings;
  client: CognitoIdentityProviderClient;
  pendingAuthorizations: PendingAuthorizations;
  /** The offline mailbox, where the router serves it. */
  mailbox: Mailbox | undefined;
  /** The CSRF check of the group's own paths (POST, PUT, PATCH, DELETE): see {@link PageGroup.checksCsrf}. */
  csrf: RequestHandler;
}

/**
 * One group of the router's pages (sign-in, sign-up, password, …): the paths it serves, as its own module
 * declares them, and how to build its router. Each group's router applies its own limits and guards to its
 * own paths.
 */
export interface PageGroup {
  /** The paths the group serves, below the mount. */
  readonly paths: readonly string[];
  /**
   * The group's router runs `deps.csrf` first itself, so that its own error handler can show an expired
   * form on the form. Otherwise the check runs just before the group's router.
   */
  readonly checksCsrf?: true;
  create(deps: PageGroupDeps): Router;
}

/**
 * The page groups a router with these options serves, in the order their routes run. Which groups there
 * are is decided here; what each serves, only in its module.
 */
export function pageGroupsOf(o: ResolvedOptions, mailbox: boolean): PageGroup[] {
  // The "Sign in with …" buttons start the Hosted UI: none without it.
  const providers = o.pages.hostedUi ? o.identityProviders : [];
  const groups: PageGroup[] = [];
  if (o.pages.signUp) {
    groups.push({
      paths: SIGNUP_PATHS,
      checksCsrf: true,
      create: (d) => createSignupRouter({ ...d.account, csrf: d.csrf, revealExistingAccounts: o.pages.revealExistingAccounts }),
    });
  }
  if (o.pages.custom) {
    // Before the profile's group: on the profile page it tells whether to link to the passkeys page.
    groups.push({
      paths: PASSKEYS_PATHS,
      create: (d) =>
        createPasskeysRouter({
          ...d.account,
          identityProviders: providers,
          passkeys: createPasskeyService(d.client, {
            userPoolId: d.settings.userPoolId,
            region: d.settings.region,
            origin: o.baseUrl,
            clock: o.clock,
          }),
        }),
    });
  }
  if (o.pages.custom) {
    groups.push(
      { paths: LOGIN_PATHS, checksCsrf: true, create: (d) => createLoginRouter({ ...d.account, csrf: d.csrf, identityProviders: providers }) },
      { paths: MFA_PATHS, create: (d) => createMfaRouter({ ...d.account, mfa: createMfaService(d.client) }) },
      { paths: PASSWORD_PATHS, checksCsrf: true, create: (d) => createPasswordRouter({ ...d.account, csrf: d.csrf }) },
      {
        paths: PROFILE_PATHS,
        create: (d) => createProfileRouter({ ...d.account, identityProviders: providers, afterDeleteTo: `${o.homePath}?notice=account_deleted` }),
      },
      { paths: EMAIL_PATHS, create: (d) => createEmailRouter({ ...d.account, emails: createEmailService(d.client) }) },
    );
  }
  if (o.pages.custom) groups.push({ paths: SESSIONS_PATHS, create: (d) => createSessionsRouter(d.account) });
  if (mailbox) groups.push({ paths: DEV_MAILBOX_PATHS, create: (d) => createDevMailboxRouter(d.mailbox as Mailbox, { open: o.pages.mailboxOpen }) });
  groups.push({
    paths: authPaths(o.pages.hostedUi),
    create: (d) =>
      createAuthRouter({
        sessions: d.account.sessions,
        urls: d.account.urls,
        clock: d.account.clock,
        afterSignIn: d.account.afterSignIn,
        passport: d.account.passport,
        pendingAuthorizations: d.pendingAuthorizations,
        limiters: d.account.limiters,
        settings: d.settings,
        cognitoClient: d.client,
        hostedUi: o.pages.hostedUi,
        signedInTo: o.defaultReturnTo.hostedUi ?? (o.pages.custom ? d.account.signedInTo : o.homePath),
        identityProviders: o.identityProviders,
        afterSignOutTo: o.afterSignOutTo,
      }),
  });
  return groups;
}

/**
 * The test of a request's path (below the mount) that tells the router's own requests from the host's:
 * one of `paths`, or a path below one, case-insensitive as Express routes are.
 */
export function ownPathsTest(paths: readonly string[]): RegExp {
  const alternatives = [...new Set(paths)].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(?:${alternatives.join('|')})(?:/|$)`, 'i');
}
