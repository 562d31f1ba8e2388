import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from './clock';
import {
  attributesToRecord,
  attributeValue,
  customAttributes,
  jwt,
  signingKeys,
  type Config,
  type Context,
  type TokenGenerator,
  type Tokens,
  type User,
} from './cognito-local';
import type { OriginContext } from './token-origins';

/**
 * The part of cognito-local's triggers the generator calls (the pre token generation Lambda). Declared here:
 * cognito-local's own trigger types name the AWS SDK v2's, which are not installed.
 */
export interface TokenTriggers {
  enabled(name: 'PreTokenGeneration'): boolean;
  preTokenGeneration(
    ctx: Context,
    req: {
      clientId: string;
      clientMetadata: Record<string, string> | undefined;
      source: Parameters<TokenGenerator['generate']>[5];
      userAttributes: User['Attributes'];
      username: string;
      groupConfiguration: { groupsToOverride: undefined; iamRolesToOverride: undefined; preferredRole: undefined };
      userPoolId: string;
    },
  ): Promise<{ claimsOverrideDetails?: { claimsToAddOrOverride?: Record<string, string>; claimsToSuppress?: string[] } }>;
}

/** Claims a pre token generation Lambda may not add, change or suppress (cognito-local's list). */
const RESERVED_CLAIMS = new Set([
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'cognito:username',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
]);

const SECONDS_PER_UNIT = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

/** A token's lifetime in seconds from the client's validity and its unit, or the default (cognito-local's rules). */
function lifetime(duration: number | undefined, unit: string | undefined, fallbackSeconds: number): number {
  if (duration === undefined) return fallbackSeconds;
  const perUnit = SECONDS_PER_UNIT[unit as keyof typeof SECONDS_PER_UNIT];
  if (perUnit === undefined) throw new Error(`Invalid unit: ${String(unit)}`);
  return duration * perUnit;
}

/**
 * The emulator's token generator. It issues the claims cognito-local 5.3.0's `JwtTokenGenerator` issues
 * (lib/services/tokenGenerator.js, including its pre token generation trigger), plus what the fidelity layer
 * needs and Amazon Cognito's tokens carry: `origin_jti` in every token of one sign-in, tying the access and
 * ID tokens to their refresh token, so that revoking it revokes them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html),
 * and the refresh token's client. Each token is signed once.
 * The ID and access tokens' claims: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 * and https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html.
 */
export class EmulatorTokenGenerator implements TokenGenerator {
  constructor(
    private readonly clock: EmulatorClock,
    private readonly triggers: TokenTriggers,
    private readonly tokenConfig: Config['TokenConfig'],
  ) {}

  async generate(...[ctx, user, groups, client, clientMetadata, source]: Parameters<TokenGenerator['generate']>): Promise<Tokens> {
    // Refreshing keeps the family's origin_jti (and, with rotation, the original refresh token's expiry).
    const origin = (ctx as OriginContext).origin;
    const originJti = origin?.jti ?? randomUUID();
    const eventId = randomUUID();
    const authTime = Math.floor(this.clock.now() / 1000);
    const sub = attributeValue('sub', user.Attributes);
    const access: Record<string, unknown> = {
      auth_time: authTime,
      client_id: client.ClientId,
      event_id: eventId,
      iat: authTime,
      jti: randomUUID(),
      origin_jti: originJti,
      scope: 'aws.cognito.signin.user.admin',
      sub,
      token_use: 'access',
      username: user.Username,
    };
    let id: Record<string, unknown> = {
      'cognito:username': user.Username,
      auth_time: authTime,
      email: attributeValue('email', user.Attributes),
      email_verified: Boolean(attributeValue('email_verified', user.Attributes) ?? false),
      event_id: eventId,
      iat: authTime,
      jti: randomUUID(),
      origin_jti: originJti,
      sub,
      token_use: 'id',
      ...attributesToRecord(customAttributes(user.Attributes)),
    };
    if (groups.length > 0) {
      access['cognito:groups'] = groups;
      id['cognito:groups'] = groups;
    }
    if (this.triggers.enabled('PreTokenGeneration')) {
      const result = await this.triggers.preTokenGeneration(ctx, {
        clientId: client.ClientId,
        clientMetadata,
        source,
        userAttributes: user.Attributes,
        username: user.Username,
        groupConfiguration: { groupsToOverride: undefined, iamRolesToOverride: undefined, preferredRole: undefined },
        userPoolId: client.UserPoolId,
      });
      id = withOverrides(id, result.claimsOverrideDetails);
    }
    const iss = `${this.tokenConfig.IssuerDomain ?? ''}/${client.UserPoolId}`;
    const units = client.TokenValidityUnits;
    const refreshExp = origin?.refreshExpiresAt ?? authTime + lifetime(client.RefreshTokenValidity, units?.RefreshToken ?? 'days', 7 * 86_400);
    return {
      AccessToken: this.sign({ ...access, iss, exp: authTime + lifetime(client.AccessTokenValidity, units?.AccessToken ?? 'hours', 86_400) }),
      IdToken: this.sign({ ...id, iss, aud: client.ClientId, exp: authTime + lifetime(client.IdTokenValidity, units?.IdToken ?? 'hours', 86_400) }),
      // cognito-local's refresh token is a JWT the emulator can read back; Cognito's is opaque to clients.
      RefreshToken: this.sign({
        'cognito:username': user.Username,
        email: attributeValue('email', user.Attributes),
        iat: authTime,
        jti: randomUUID(),
        origin_jti: originJti,
        client_id: client.ClientId,
        iss,
        exp: refreshExp,
      }),
    };
  }

  private sign(claims: Record<string, unknown>): string {
    return jwt.sign(claims, signingKeys.privateKey, { algorithm: 'RS256', keyid: 'CognitoLocal' });
  }
}

/** The ID token's claims after a pre token generation Lambda's overrides, reserved claims untouched. */
function withOverrides(
  claims: Record<string, unknown>,
  overrides: { claimsToAddOrOverride?: Record<string, string>; claimsToSuppress?: string[] } | undefined,
): Record<string, unknown> {
  const suppress = new Set((overrides?.claimsToSuppress ?? []).filter((claim) => !RESERVED_CLAIMS.has(claim)));
  const added = Object.entries(overrides?.claimsToAddOrOverride ?? {}).filter(([claim]) => !RESERVED_CLAIMS.has(claim));
  return Object.fromEntries([...Object.entries(claims), ...added].filter(([claim]) => !suppress.has(claim)));
}
