import { randomInt, randomUUID } from 'node:crypto';
import type { PasswordlessState } from '../challenge-sessions';
import { attributeValue, type Context, type UserPoolService } from '../cognito-local';
import type { LayerDeps } from '../registry';
import type { StoredClient } from '../targets/refresh';
import { completed, type AuthResult } from '../targets/sign-in';
import { firstFactorsOf, webAuthnOf, type PasswordlessPool } from './pool';
import { newChallenge, type PasswordlessUser } from './webauthn';

/** One choice-based sign-in: its client, pool, the user (null for one who does not exist) and the names it goes by. */
export interface Attempt {
  client: StoredClient;
  pool: UserPoolService;
  user: PasswordlessUser | null;
  /** The name the sign-in used, then the username. */
  names: string[];
}

/** The first factors the emulator can run, in the order `AvailableChallenges` lists them (SMS and SRP it cannot). */
const RUNNABLE = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] as const;

function emailOf(user: PasswordlessUser): string | undefined {
  return attributeValue('email', user.Attributes);
}

/** The user's passkeys for the pool's current relying party. */
export function passkeysOf(pool: PasswordlessPool, user: PasswordlessUser): NonNullable<PasswordlessUser['WebAuthnCredentials']> {
  const { relyingPartyId } = webAuthnOf(pool);
  return (user.WebAuthnCredentials ?? []).filter((p) => p.RelyingPartyId === relyingPartyId);
}

/**
 * What `AvailableChallenges` offers: the pool's allowed first factors that the user can use. AWS's notes
 * say the list is "filtered to what the user has registered": a password, a verified e-mail address for
 * EMAIL_OTP, a passkey for WEB_AUTHN. A user who does not exist (only answered where the client prevents
 * user-existence errors) is offered what a user without a passkey would be, so the answer tells nothing.
 */
export function availableFor(pool: PasswordlessPool, user: PasswordlessUser | null): string[] {
  const allowed = firstFactorsOf(pool);
  const has = (factor: (typeof RUNNABLE)[number]): boolean => {
    if (!user) return factor !== 'WEB_AUTHN';
    if (factor === 'PASSWORD') return Boolean(user.Password);
    if (factor === 'EMAIL_OTP') return Boolean(emailOf(user)) && attributeValue('email_verified', user.Attributes) === 'true';
    return passkeysOf(pool, user).length > 0;
  };
  return RUNNABLE.filter((factor) => allowed.includes(factor) && has(factor));
}

/** Issues a challenge session of this sign-in (marked when the user does not exist); it lives for the client's AuthSessionValidity. */
export function issue(deps: LayerDeps, attempt: Attempt, challengeName: string, state: PasswordlessState): string {
  const session = `${randomUUID()}${randomUUID()}`.replaceAll('-', '');
  deps.challenges.issue(
    session,
    {
      userPoolId: attempt.pool.options.Id,
      clientId: attempt.client.ClientId,
      names: attempt.names,
      challengeName,
      passwordless: attempt.user ? state : { ...state, unknownUser: true },
    },
    attempt.client.AuthSessionValidity,
  );
  return session;
}

/**
 * An address as Cognito shows where it sent a code: `j***@e***.com` (AWS's own example). Whether the
 * EMAIL_OTP challenge masks it the same way is not documented; nothing should parse it.
 */
export function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  const dot = domain.indexOf('.');
  const label = dot < 0 ? domain : domain.slice(0, dot);
  return `${local.slice(0, 1)}***@${label.slice(0, 1)}***${dot < 0 ? '' : domain.slice(dot)}`;
}

/**
 * E-mail one-time codes have eight digits, and their length cannot be changed (Amplify's maintainers,
 * aws-amplify/amplify-js#14428). The code lives as long as the challenge session: "valid for the
 * Authentication flow session duration that you set for your app client".
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-sms-email-message.html
 */
function newSignInCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/**
 * The EMAIL_OTP challenge: a code e-mailed now (the emulator prints it, and keeps it on the user record
 * for the offline mailbox). For a user who does not exist nothing is sent, and no code will match.
 */
export async function emailOtpChallenge(
  ctx: Context,
  deps: LayerDeps,
  attempt: Attempt,
  clientMetadata?: Record<string, string>,
): Promise<AuthResult> {
  const { user, pool, client } = attempt;
  const address = user ? (emailOf(user) ?? '') : (attempt.names[0] ?? '');
  let state: PasswordlessState = { unknownUser: true };
  if (user) {
    const code = newSignInCode();
    const now = deps.clock.now();
    await deps.services.messages.deliver(ctx, 'Authentication', client.ClientId, pool.options.Id, user, code, clientMetadata, {
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
      Destination: address,
    });
    const expiresAt = now + (client.AuthSessionValidity ?? 3) * 60_000;
    await pool.saveUser(ctx, { ...user, SignInCode: { Code: code, IssuedAt: now, ExpiresAt: expiresAt } } as PasswordlessUser);
    state = { code, failures: 0 };
  }
  return {
    ChallengeName: 'EMAIL_OTP',
    Session: issue(deps, attempt, 'EMAIL_OTP', state),
    ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: maskEmail(address) },
  };
}

/**
 * The WEB_AUTHN challenge: `CREDENTIAL_REQUEST_OPTIONS`, a JSON string shaped as Cognito's (AWS's own
 * client parses it: aws-amplify/amplify-js handleWebAuthnSignInResult.ts), listing the user's passkeys.
 */
export function webAuthnChallenge(deps: LayerDeps, attempt: Attempt): AuthResult {
  const pool = attempt.pool.options as PasswordlessPool;
  const { relyingPartyId, userVerification } = webAuthnOf(pool);
  const challenge = newChallenge();
  const options = {
    hints: [],
    attestation: 'none',
    attestationFormats: [],
    challenge,
    timeout: 180_000,
    rpId: relyingPartyId,
    allowCredentials: attempt.user ? passkeysOf(pool, attempt.user).map((p) => ({ id: p.CredentialId, type: 'public-key' })) : [],
    userVerification,
  };
  return {
    ChallengeName: 'WEB_AUTHN',
    Session: issue(deps, attempt, 'WEB_AUTHN', { webAuthnChallenge: challenge }),
    ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options) },
  };
}

/**
 * Tokens for a user who answered a passwordless first factor: no two-step code follows EMAIL_OTP or
 * WEB_AUTHN (passkeys count as a second factor only with the pool's multi-factor passkey setting, which
 * the emulator does not run). The refresh token starts a token family, as after a password.
 */
export async function tokensFor(
  ctx: Context,
  deps: LayerDeps,
  attempt: Attempt & { user: PasswordlessUser },
  clientMetadata?: Record<string, string>,
): Promise<AuthResult> {
  const { pool, client, user } = attempt;
  const { triggers, tokenGenerator } = deps.services;
  if (triggers.enabled('PostAuthentication')) {
    await triggers.postAuthentication(ctx, {
      clientId: client.ClientId,
      clientMetadata,
      source: 'PostAuthentication_Authentication',
      userAttributes: user.Attributes,
      username: user.Username,
      userPoolId: pool.options.Id,
    });
  }
  const groups = await pool.listUserGroupMembership(ctx, user);
  const tokens = await tokenGenerator.generate(ctx, user, groups, client, clientMetadata, 'Authentication');
  await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
  return completed({ ChallengeParameters: {}, AuthenticationResult: tokens });
}
