import { isIP } from 'node:net';

/** Why a relying-party ID does not fit the pages' origin (see {@link relyingPartyFits}). */
export type RelyingPartyProblem =
  /** Neither the host itself nor a parent domain of it. */
  | 'not-host-or-parent'
  /** The origin is plain HTTP on a host other than localhost: browsers offer WebAuthn only in a secure context. */
  | 'insecure-origin';

/** The outcome of comparing the pool's relying-party ID with the pages' origin. */
export type RelyingPartyFit = { fits: true; host: string } | { fits: false; host: string; problem: RelyingPartyProblem };

/** Hosts a browser treats as a secure context over plain HTTP (W3C Secure Contexts §3.1, "potentially trustworthy"). */
function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/**
 * Whether a browser on `origin` may run WebAuthn ceremonies for the relying party `rpId` (WebAuthn Level 2
 * §5.1.3 step 8 and §5.1.4.1 step 7: the RP ID must be the origin's effective domain or a registrable
 * domain suffix of it; an IP address only matches itself).
 *
 * The rule applied here is exact-or-parent-domain: `example.com` fits `app.example.com` and `example.com`,
 * never `badexample.com`. The public-suffix part of "registrable" (a relying party of `com` or `co.uk` is
 * refused by browsers) is not checked: Cognito itself refuses such an ID when it is set, so the check only
 * has to catch the common mistake, a relying party of another site (the pool's Hosted UI domain, say).
 */
export function relyingPartyFits(rpId: string, origin: string): RelyingPartyFit {
  const url = new URL(origin);
  const host = url.hostname.toLowerCase();
  const id = rpId.trim().toLowerCase().replace(/\.$/, '');
  if (url.protocol !== 'https:' && !isLocalhost(host)) return { fits: false, host, problem: 'insecure-origin' };
  const bareHost = host.replace(/^\[|\]$/g, '');
  if (isIP(bareHost) !== 0 || isIP(id) !== 0) return id === bareHost ? { fits: true, host } : { fits: false, host, problem: 'not-host-or-parent' };
  const fits = id.length > 0 && (host === id || host.endsWith(`.${id}`));
  return fits ? { fits: true, host } : { fits: false, host, problem: 'not-host-or-parent' };
}
