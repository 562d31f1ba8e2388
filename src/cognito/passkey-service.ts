import {
  CompleteWebAuthnRegistrationCommand,
  DeleteWebAuthnCredentialCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListWebAuthnCredentialsCommand,
  StartWebAuthnRegistrationCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { relyingPartyFits, type RelyingPartyProblem } from './relying-party';
import { callCognito, mapCognitoError } from './errors';

/** One passkey as `ListWebAuthnCredentials` reports it. Cognito records no last use, so there is none here. */
export interface PasskeySummary {
  /** The credential id (base64url): what `DeleteWebAuthnCredential` takes. */
  id: string;
  /** Cognito's automatically generated name (there is no API to rename a passkey). */
  name: string;
  createdAt: Date | undefined;
  /** `platform` (built into the device) or `cross-platform` (a security key, a phone), when Cognito knows. */
  attachment: string | undefined;
}

/** One page of the account's passkeys. */
export interface PasskeyPage {
  passkeys: PasskeySummary[];
  /** Cognito's token for the next page, when there is one. */
  nextToken: string | undefined;
}

/** Whether this app's pages can register passkeys with the pool, and if not, why. */
export type PasskeyAvailability =
  | {
      available: true;
      /** The pool's relying party; undefined when the server may not read it (no `GetUserPoolMfaConfig` permission). */
      relyingPartyId: string | undefined;
    }
  /** `tier`: the Lite plan; `not-enabled`: WEB_AUTHN is not among the pool's first factors; `no-relying-party`: neither an ID nor a domain. */
  | { available: false; reason: 'tier' | 'not-enabled' | 'no-relying-party' }
  /** The relying party does not fit the pages' origin: the browser would refuse the ceremony (SecurityError). */
  | { available: false; reason: 'relying-party-mismatch'; relyingPartyId: string; host: string; problem: RelyingPartyProblem };

/** The outcome of `CompleteWebAuthnRegistration`, as far as the page tells it apart. */
export type RegistrationOutcome =
  | 'added'
  /** The registration's challenge is gone (expired, or already used): start again. */
  | 'expired'
  /** Cognito refused the credential (its origin, relying party, format, or it is registered already). */
  | 'refused'
  /** The account holds as many passkeys as Cognito allows. */
  | 'limit'
  | 'not-available';

/** The profile's passkeys of one app client, for a signed-in person (errors are `CognitoAuthError`s). */
export interface PasskeyService {
  /**
   * What the pool allows, checked against the pages' origin: DescribeUserPool (plan, first factors, domain)
   * and GetUserPoolMfaConfig (`WebAuthnConfiguration.RelyingPartyId`). Kept for a few minutes.
   */
  availability(): Promise<PasskeyAvailability>;
  /** ListWebAuthnCredentials, one page. */
  list(accessToken: string, nextToken?: string): Promise<PasskeyPage>;
  /** StartWebAuthnRegistration: the creation options (an object) for the browser, or why there are none. */
  startRegistration(accessToken: string): Promise<{ ok: true; options: Record<string, unknown> } | { ok: false; reason: 'limit' | 'not-available' }>;
  /** CompleteWebAuthnRegistration with the browser's RegistrationResponseJSON (an object). */
  completeRegistration(accessToken: string, credential: Record<string, unknown>): Promise<RegistrationOutcome>;
  /** DeleteWebAuthnCredential; `not-found` when the account has no such passkey (any more). */
  remove(accessToken: string, credentialId: string): Promise<'removed' | 'not-found'>;
}

/** How long a pool check is kept: a changed pool setting shows within this time. */
export const AVAILABILITY_TTL_MS = 5 * 60 * 1000;

/** Exceptions that mean the pool offers no passkeys (API_StartWebAuthnRegistration.html, API_CompleteWebAuthnRegistration.html). */
const NOT_AVAILABLE = new Set(['WebAuthnNotEnabledException', 'WebAuthnConfigurationMissingException', 'FeatureUnavailableInTierException']);
/** Exceptions of CompleteWebAuthnRegistration that refuse the credential itself. */
const REFUSED = new Set([
  'WebAuthnOriginNotAllowedException',
  'WebAuthnRelyingPartyMismatchException',
  'WebAuthnCredentialNotSupportedException',
  'WebAuthnClientMismatchException',
  'InvalidParameterException',
]);

function nameOf(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/**
 * Creates the service over one SDK client. `origin` is the pages' origin (the package's `baseUrl`), which the
 * relying party must fit.
 */
export function createPasskeyService(
  client: CognitoIdentityProviderClient,
  settings: { userPoolId: string; region: string; origin: string; clock?: () => number },
): PasskeyService {
  const { userPoolId } = settings;
  const clock = settings.clock ?? Date.now;
  let cached: { at: number; value: Promise<PasskeyAvailability> } | undefined;

  /**
   * Without an explicit RelyingPartyId, Cognito's relying party is the pool's domain: its custom domain, or
   * the prefix domain `<prefix>.auth.<region>.amazoncognito.com`
   * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html).
   */
  async function checkPool(): Promise<PasskeyAvailability> {
    // The pool reads are the server's own (IAM) calls: no mapping turns their refusal into the end of a session.
    const pool = await callCognito('signUp', () => client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })));
    const described = pool.UserPool;
    if (described?.UserPoolTier === 'LITE') return { available: false, reason: 'tier' };
    const factors = described?.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
    if (!factors.includes('WEB_AUTHN')) return { available: false, reason: 'not-enabled' };
    let configured: string | undefined;
    try {
      const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId }));
      configured = mfa.WebAuthnConfiguration?.RelyingPartyId;
    } catch (err) {
      // Without the IAM permission the check cannot be made; the ceremony still runs, and the browser judges.
      if (nameOf(err) === 'AccessDeniedException') return { available: true, relyingPartyId: undefined };
      throw mapCognitoError(err, 'signUp');
    }
    const domain = described?.CustomDomain ?? (described?.Domain ? `${described.Domain}.auth.${settings.region}.amazoncognito.com` : undefined);
    const relyingPartyId = configured ?? domain;
    if (!relyingPartyId) return { available: false, reason: 'no-relying-party' };
    const fit = relyingPartyFits(relyingPartyId, settings.origin);
    if (!fit.fits) return { available: false, reason: 'relying-party-mismatch', relyingPartyId, host: fit.host, problem: fit.problem };
    return { available: true, relyingPartyId };
  }

  return {
    availability() {
      const now = clock();
      if (cached && now - cached.at < AVAILABILITY_TTL_MS) return cached.value;
      const value = checkPool();
      cached = { at: now, value };
      // A failed check is not kept: the next request asks again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
      return value;
    },

    list: (accessToken, nextToken) =>
      callCognito('profile', async () => {
        const out = await client.send(
          new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, ...(nextToken ? { NextToken: nextToken } : {}) }),
        );
        return {
          passkeys: (out.Credentials ?? []).map((c) => ({
            id: c.CredentialId ?? '',
            name: c.FriendlyCredentialName ?? '',
            createdAt: c.CreatedAt,
            attachment: c.AuthenticatorAttachment,
          })),
          nextToken: out.NextToken,
        };
      }),

    async startRegistration(accessToken) {
      try {
        const out = await client.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
        const options = out.CredentialCreationOptions;
        if (typeof options !== 'object' || options === null || Array.isArray(options))
          throw new Error('StartWebAuthnRegistration answered without creation options');
        return { ok: true, options };
      } catch (err) {
        if (NOT_AVAILABLE.has(nameOf(err))) return { ok: false, reason: 'not-available' };
        if (nameOf(err) === 'LimitExceededException') return { ok: false, reason: 'limit' };
        throw mapCognitoError(err, 'profile');
      }
    },

    async completeRegistration(accessToken, credential) {
      try {
        // The Document type: the SDK sends the object as JSON, as Cognito's API reference asks.
        await client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }));
        return 'added';
      } catch (err) {
        const name = nameOf(err);
        if (name === 'WebAuthnChallengeNotFoundException') return 'expired';
        if (REFUSED.has(name)) return 'refused';
        if (name === 'LimitExceededException') return 'limit';
        if (NOT_AVAILABLE.has(name)) return 'not-available';
        throw mapCognitoError(err, 'profile');
      }
    },

    async remove(accessToken, credentialId) {
      try {
        await client.send(new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: credentialId }));
        return 'removed';
      } catch (err) {
        if (nameOf(err) === 'ResourceNotFoundException') return 'not-found';
        throw mapCognitoError(err, 'profile');
      }
    },
  };
}
