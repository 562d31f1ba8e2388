/** Notices the sign-in page shows from its query (the session that could carry them has ended). */
export type SignInNotice = 'session_expired' | 'signed_out_everywhere' | 'signed_in_required';

/**
 * The package's URLs where the host mounted it. Every link, form action and redirect the package makes
 * goes through here, so that mounting at `/account` moves them all.
 */
export interface MountUrls {
  /** '' at the root, else '/account' (no trailing slash). */
  mountPath: string;
  /** The host's origin, e.g. `https://shop.example.com`. */
  baseUrl: string;
  /** A package path ('/login?x=1') as the browser requests it ('/account/login?x=1'). */
  to: (path: string) => string;
  /** The sign-in page (custom, or the Hosted UI start when the custom pages are off), with its query. */
  signIn: (options?: { returnTo?: string | undefined; notice?: SignInNotice | undefined }) => string;
  /** Where Cognito sends the browser back: `<baseUrl><mount>/callback`. */
  callbackUrl: string;
}

/** '/account/' → '/account'; '/' or '' → ''. */
export function normaliseMountPath(mountPath: string): string {
  const trimmed = mountPath.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Creates the URLs of a router mounted at `mountPath` of the app at `baseUrl`. */
export function createMountUrls(options: { baseUrl: string; mountPath: string; customPages: boolean }): MountUrls {
  const mountPath = normaliseMountPath(options.mountPath);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const to = (path: string) => `${mountPath}${path}`;
  const signInPage = to(options.customPages ? '/login' : '/login/hosted');
  return {
    mountPath,
    baseUrl,
    to,
    callbackUrl: callbackUrlFor(baseUrl, mountPath),
    signIn(query = {}) {
      const params = new URLSearchParams();
      if (query.returnTo) params.set('returnTo', query.returnTo);
      // The Hosted UI start takes no notice: Cognito's page would not show it.
      if (query.notice && options.customPages) params.set('notice', query.notice);
      const search = params.toString();
      return search ? `${signInPage}?${search}` : signInPage;
    },
  };
}

/** The router's own path Cognito sends the browser back to, under its mount. The one place it is spelled. */
export const CALLBACK_PATH = '/callback';

/**
 * Where Cognito sends the browser back with the authorization code: `<origin><mount>/callback`.
 *
 * @param mountPath - where the router is mounted: `/` (default), `/account` or `account/` alike.
 */
export function callbackUrlFor(appBaseUrl: string, mountPath = '/'): string {
  const mount = mountPath.replace(/^\/+|\/+$/g, '');
  return `${appBaseUrl.replace(/\/+$/, '')}${mount === '' ? '' : `/${mount}`}${CALLBACK_PATH}`;
}

/** Where Cognito's Hosted UI `/logout` sends the browser after sign-out: `<origin><afterSignOutTo>`. */
export function signOutUrlFor(appBaseUrl: string, afterSignOutTo = '/'): string {
  return `${appBaseUrl.replace(/\/+$/, '')}${afterSignOutTo}`;
}
