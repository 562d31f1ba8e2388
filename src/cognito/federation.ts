/*
 * Identity providers of the pool (Google, Sign in with Apple, a SAML or OIDC provider): their names,
 * what people see of them, and telling a federated account from one of the pool's own.
 */
import { z } from 'zod';

/**
 * A provider name the package accepts: ASCII letters and digits, with `.` and `-` inside, 2 to 32
 * characters. Cognito allows more, but never `_` after the second character nor white space, and names
 * reach URLs (`identity_provider=`); an underscore could also blur the `<Provider>_<id>` usernames of
 * federated accounts.
 */
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,30}[A-Za-z0-9]$/;

/** Cognito's name for the pool's own directory: a valid `identity_provider`, but no federation. */
export const POOL_DIRECTORY = 'COGNITO';

/** A list of provider names as the `identityProviders` option takes it: safe names, no `COGNITO`, no repeats. */
export const providerNamesSchema = z
  .array(
    z
      .string()
      .regex(PROVIDER_NAME, 'must be a provider name as in the pool, such as Google (letters, digits, . and -)')
      .refine((name) => name.toUpperCase() !== POOL_DIRECTORY, 'COGNITO is the pool itself, not an identity provider'),
  )
  .max(20)
  .refine((names) => new Set(names).size === names.length, 'must not name a provider twice');

/** The names Cognito gives the social providers, as their brands are written on a button. */
const DISPLAY_NAMES: ReadonlyMap<string, string> = new Map([
  ['Google', 'Google'],
  ['SignInWithApple', 'Apple'],
  ['Facebook', 'Facebook'],
  ['LoginWithAmazon', 'Amazon'],
]);

/** What people see of a provider: `Apple` for `SignInWithApple`; a SAML or OIDC provider's own name as is. */
export function displayNameOf(provider: string): string {
  return DISPLAY_NAMES.get(provider) ?? provider;
}

/**
 * The provider names in an ID token's `identities` claim (Cognito: an array of objects with
 * `providerName`), in order and without repeats; anything malformed is left out.
 */
export function identitiesFromClaim(claim: unknown): string[] {
  if (!Array.isArray(claim)) return [];
  const names = claim
    .map((entry) => (entry as { providerName?: unknown } | null)?.providerName)
    .filter((name): name is string => typeof name === 'string' && PROVIDER_NAME.test(name) && name.toUpperCase() !== POOL_DIRECTORY);
  return [...new Set(names)];
}

/**
 * The provider a federated account comes from, or undefined for an account of the pool's own. Cognito
 * names a federated account `<Provider>_<id>`; a pool account linked to a provider
 * (AdminLinkProviderForUser) keeps its own username and its password, though its `identities` claim
 * lists the provider too. So the username decides, matched against the claim's providers, then against
 * the configured ones (case-insensitively: the spelling of the claim or the setting is returned).
 */
export function federatedProviderOf(username: string, identities: readonly string[], configured: readonly string[] = []): string | undefined {
  const lower = username.toLowerCase();
  return [...identities, ...configured].find((name) => lower.startsWith(`${name.toLowerCase()}_`));
}
