import type { RequestHandler } from 'express';
import { displayNameOf } from '../../cognito/federation';
import type { MountUrls } from '../../urls/mount-urls';
import { peekState } from '../../auth/session-state';
import type { MessageKey } from '../../i18n';
import { setNotice } from './forms';

/** A "Sign in with …" button of the sign-in page. */
export interface ProviderButton {
  /** The provider's name in the pool (`SignInWithApple`). */
  name: string;
  /** What the button calls it (`Apple`). */
  label: string;
  /** `<mount>/login/hosted?provider=<name>`, with the page's `returnTo`. */
  href: string;
}

/** The sign-in page's buttons: one Hosted UI start per identity provider, each keeping `returnTo`. */
export function providerButtons(providers: readonly string[], urls: MountUrls, returnTo: string | undefined): ProviderButton[] {
  return providers.map((name) => {
    const query = new URLSearchParams({ provider: name });
    if (returnTo) query.set('returnTo', returnTo);
    return { name, label: displayNameOf(name), href: `${urls.to('/login/hosted')}?${query.toString()}` };
  });
}

/**
 * Guards pages that need the account's Cognito password or own attributes. A federated account (signed
 * in through Google, …) has neither, and Cognito would only answer with a confusing failure: it goes to
 * the profile instead, where `notice` says why. Everyone else passes; signed-out visitors of these pages
 * get `identityProviderNames` for a hint that such accounts have no password here.
 */
export function refuseFederatedAccount(deps: { urls: MountUrls; identityProviders: readonly string[]; notice: MessageKey }): RequestHandler {
  const names = deps.identityProviders.map(displayNameOf);
  return (req, res, next) => {
    const user = peekState(req)?.user;
    if (user?.identityProvider) {
      setNotice(req, deps.notice);
      res.redirect(303, deps.urls.to('/profile'));
      return;
    }
    if (!user && names.length > 0) res.locals.identityProviderNames = names;
    next();
  };
}
