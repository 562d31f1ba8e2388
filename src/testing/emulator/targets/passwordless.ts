import { timingSafeEqual } from 'node:crypto';
import { CognitoError, errors, fieldsOf, metadataOf, type ApiRequest, type Context } from '../cognito-local';
import type { ChallengeSession } from '../challenge-sessions';
import { WRONG_CODE_LIMIT } from '../code-stamps';
import { availableFor, emailOtpChallenge, issue, tokensFor, webAuthnChallenge, type Attempt } from '../passwordless/factors';
import { tierOf, webAuthnOf, type PasswordlessPool } from '../passwordless/pool';
import { verifyAssertion, type PasswordlessUser } from '../passwordless/webauthn';
import type { Layer, LayerDeps } from '../registry';
import { secretHashOf } from '../secret-hash';
import { featureUnavailable } from './pool-features';
import type { StoredClient } from './refresh';
import { clientOf, type AuthResult } from './sign-in';

const INITIATE_AUTH = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html';
const RESPOND = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html';

/** `ChallengeNameType`: a PREFERRED_CHALLENGE outside it is a bad parameter, one inside it that is not available falls back. */
const CHALLENGE_NAMES = [
  'SMS_MFA',
  'EMAIL_OTP',
  'SOFTWARE_TOKEN_MFA',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'PASSWORD_VERIFIER',
  'CUSTOM_CHALLENGE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'NEW_PASSWORD_REQUIRED',
  'SMS_OTP',
  'PASSWORD',
  'WEB_AUTHN',
  'PASSWORD_SRP',
];
/** The challenges of choice-based sign-in this layer answers; every other one goes on to the password sign-in's layer. */
const ANSWERED_HERE = ['SELECT_CHALLENGE', 'PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'];
/** "Invalid code or auth state for the user." is what Cognito answers a wrong sign-in code with (observed). */
const WRONG_CODE = 'Invalid code or auth state for the user.';

/**
 * "You must provide a SECRET_HASH parameter in all challenge responses to an app client that has a client
 * secret" (and in InitiateAuth's AuthParameters). The hash may be of the name the sign-in used or of the
 * username. The messages are the ones Cognito is seen to give.
 */
function checkSecretHash(client: StoredClient, hash: unknown, names: readonly string[]): void {
  const secret = client.ClientSecret;
  if (!secret) return;
  if (typeof hash !== 'string' || !hash)
    throw new errors.NotAuthorizedError(`Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`);
  const given = Buffer.from(hash);
  const matches = names.some((name) => {
    const expected = Buffer.from(secretHashOf(name, client.ClientId, secret));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) throw new errors.NotAuthorizedError(`Unable to verify secret hash for client ${client.ClientId}`);
}

/**
 * The start of USER_AUTH: the pool must be on Essentials or Plus ("To activate this setting, your user pool
 * must be in the Essentials tier or higher") and the client must allow `ALLOW_USER_AUTH` (the message is
 * the one Cognito gives other flows a client does not allow, with this flow's name).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */
async function begin(ctx: Context, deps: LayerDeps, req: ApiRequest): Promise<Attempt> {
  const client = await clientOf(ctx, deps, req.ClientId);
  const pool = await deps.services.cognito.getUserPoolForClientId(ctx, client.ClientId);
  if (tierOf(pool.options) === 'LITE') throw featureUnavailable('USER_AUTH');
  if (!client.ExplicitAuthFlows?.includes('ALLOW_USER_AUTH')) throw new errors.InvalidParameterError('USER_AUTH flow not enabled for this client');
  const username: unknown = fieldsOf(req.AuthParameters).USERNAME;
  if (typeof username !== 'string' || !username) throw new errors.InvalidParameterError('Missing required parameter USERNAME');
  const user: PasswordlessUser | null = await pool.getUserByUsername(ctx, username);
  const names = user ? [username, user.Username] : [username];
  checkSecretHash(client, fieldsOf(req.AuthParameters).SECRET_HASH, names);
  if (!user && client.PreventUserExistenceErrors !== 'ENABLED') throw new errors.UserNotFoundError('User does not exist.');
  if (user?.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
  return { client, pool, user, names };
}

/** The password factor: with the password, the password sign-in's own checks and challenges; without it, a PASSWORD challenge asking for it. */
async function passwordFactor(
  ctx: Context,
  deps: LayerDeps,
  attempt: Attempt,
  password: unknown,
  clientMetadata?: Record<string, string>,
): Promise<AuthResult> {
  if (typeof password !== 'string' || !password) {
    return { ChallengeName: 'PASSWORD', Session: issue(deps, attempt, 'PASSWORD', {}), ChallengeParameters: {} };
  }
  const [name = ''] = attempt.names;
  return (await deps.route('InitiateAuth')(ctx, {
    ClientId: attempt.client.ClientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: name, PASSWORD: password },
    ClientMetadata: clientMetadata,
  })) as AuthResult;
}

/** Starts one first factor the user may use. */
async function startFactor(
  ctx: Context,
  deps: LayerDeps,
  attempt: Attempt,
  factor: string,
  params: { password?: unknown; clientMetadata?: Record<string, string> },
): Promise<AuthResult> {
  if (factor === 'PASSWORD') return passwordFactor(ctx, deps, attempt, params.password, params.clientMetadata);
  if (factor === 'EMAIL_OTP') return emailOtpChallenge(ctx, deps, attempt, params.clientMetadata);
  return webAuthnChallenge(deps, attempt);
}

/**
 * InitiateAuth with `AuthFlow: USER_AUTH`. "If you don't provide a value for PREFERRED_CHALLENGE, Amazon
 * Cognito responds with the AvailableChallenges parameter that specifies the available sign-in methods."
 * A preferred challenge the user cannot use is answered the same way: AWS's guide says Cognito "will instead
 * return a SELECT_CHALLENGE response" (quoted second-hand; the emulator follows it). With PASSWORD, the
 * password may come in the same call, as AWS's own client sends it.
 */
async function userAuth(ctx: Context, deps: LayerDeps, req: ApiRequest): Promise<AuthResult> {
  const attempt = await begin(ctx, deps, req);
  const preferred: unknown = fieldsOf(req.AuthParameters).PREFERRED_CHALLENGE;
  const preferredName = String(preferred);
  if (preferred !== undefined && !CHALLENGE_NAMES.includes(preferredName)) {
    throw new errors.InvalidParameterError(`Invalid PREFERRED_CHALLENGE: ${preferredName}`);
  }
  const available = availableFor(attempt.pool.options, attempt.user);
  if (typeof preferred === 'string' && available.includes(preferred)) {
    return startFactor(ctx, deps, attempt, preferred, {
      password: fieldsOf(req.AuthParameters).PASSWORD,
      clientMetadata: metadataOf(req.ClientMetadata),
    });
  }
  if (available.length === 0) throw new errors.NotAuthorizedError('The user has no sign-in method this user pool allows.');
  return {
    ChallengeName: 'SELECT_CHALLENGE',
    Session: issue(deps, attempt, 'SELECT_CHALLENGE', { available }),
    ChallengeParameters: {},
    AvailableChallenges: available,
  };
}

/** The user an answer is about, as the session names them; gone or disabled since the challenge, refused. */
async function attemptOf(ctx: Context, deps: LayerDeps, client: StoredClient, session: ChallengeSession): Promise<Attempt> {
  const pool = await deps.services.cognito.getUserPool(ctx, session.userPoolId);
  if (session.passwordless?.unknownUser) return { client, pool, user: null, names: session.names };
  const user: PasswordlessUser | null = await pool.getUserByUsername(ctx, session.names[1] ?? session.names[0] ?? '');
  if (!user) throw new errors.NotAuthorizedError('Incorrect username or password.');
  if (user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
  return { client, pool, user, names: session.names };
}

/**
 * EMAIL_OTP_CODE: the code e-mailed for this session. A wrong one is CodeMismatchException and leaves the
 * session for another try, as the layer does for every challenge code; how many tries Cognito allows is
 * not documented, and the emulator ends the session at the fifth wrong code (as its other codes' limit).
 */
async function answerEmailOtp(ctx: Context, deps: LayerDeps, req: ApiRequest, session: ChallengeSession, attempt: Attempt): Promise<AuthResult> {
  const code: unknown = fieldsOf(req.ChallengeResponses).EMAIL_OTP_CODE;
  if (typeof code !== 'string' || !code) throw new errors.InvalidParameterError('Missing required parameter EMAIL_OTP_CODE');
  const state = session.passwordless ?? {};
  if (!attempt.user || !state.code || code !== state.code) {
    const failures = (state.failures ?? 0) + 1;
    if (failures >= WRONG_CODE_LIMIT) deps.challenges.spend(req.Session as string);
    else deps.challenges.update(req.Session as string, { ...state, failures });
    throw new CognitoError('CodeMismatchException', WRONG_CODE);
  }
  deps.challenges.spend(req.Session as string);
  const user = attempt.user;
  const used = user.SignInCode?.Code === code ? { ...user, SignInCode: undefined } : user;
  if (used !== user) await attempt.pool.saveUser(ctx, used);
  return tokensFor(ctx, deps, { ...attempt, user: used }, metadataOf(req.ClientMetadata));
}

/** CREDENTIAL: a passkey's assertion for this session's challenge; a refused one leaves the session for another try. */
async function answerWebAuthn(ctx: Context, deps: LayerDeps, req: ApiRequest, session: ChallengeSession, attempt: Attempt): Promise<AuthResult> {
  const pool = attempt.pool.options as PasswordlessPool;
  const { relyingPartyId, userVerification } = webAuthnOf(pool);
  const challenge = session.passwordless?.webAuthnChallenge;
  if (!attempt.user || !challenge || !relyingPartyId)
    throw new errors.NotAuthorizedError('Invalid passkey credential: no passkey challenge was issued.');
  const user = attempt.user;
  const { credentialId, newCounter } = await verifyAssertion(fieldsOf(req.ChallengeResponses).CREDENTIAL, {
    challenge,
    rpId: relyingPartyId,
    userVerification,
    passkeys: user.WebAuthnCredentials ?? [],
  });
  deps.challenges.spend(req.Session as string);
  const counted = {
    ...user,
    WebAuthnCredentials: (user.WebAuthnCredentials ?? []).map((p) => (p.CredentialId === credentialId ? { ...p, Counter: newCounter } : p)),
  };
  await attempt.pool.saveUser(ctx, counted);
  return tokensFor(ctx, deps, { ...attempt, user: counted }, metadataOf(req.ClientMetadata));
}

/**
 * RespondToAuthChallenge for SELECT_CHALLENGE, PASSWORD, EMAIL_OTP and WEB_AUTHN (the ChallengeResponses
 * are the reference's). SELECT_CHALLENGE's ANSWER must be one of the AvailableChallenges offered; the
 * reference says no more, and the emulator refuses another with InvalidParameterException.
 */
async function respond(ctx: Context, deps: LayerDeps, req: ApiRequest): Promise<AuthResult> {
  const client = await clientOf(ctx, deps, req.ClientId);
  const responses = (req.ChallengeResponses ?? {}) as Record<string, unknown>;
  if (typeof responses.USERNAME !== 'string' || !responses.USERNAME) throw new errors.InvalidParameterError('Missing required parameter USERNAME');
  const session = deps.challenges.check(req.Session, client.ClientId, responses.USERNAME, req.ChallengeName);
  checkSecretHash(client, responses.SECRET_HASH, session.names);
  const attempt = await attemptOf(ctx, deps, client, session);
  switch (req.ChallengeName) {
    case 'SELECT_CHALLENGE': {
      const answer = String(responses.ANSWER);
      if (!session.passwordless?.available?.includes(answer)) {
        throw new errors.InvalidParameterError(
          `ANSWER must be one of the AvailableChallenges: ${(session.passwordless?.available ?? []).join(', ')}`,
        );
      }
      if (answer === 'WEB_AUTHN' && responses.CREDENTIAL !== undefined) {
        // The one-call form needs a challenge the browser could only have had from an earlier WEB_AUTHN challenge.
        throw new errors.NotAuthorizedError('Invalid passkey credential: no passkey challenge was issued.');
      }
      deps.challenges.spend(req.Session as string);
      return startFactor(ctx, deps, attempt, answer, { password: responses.PASSWORD, clientMetadata: metadataOf(req.ClientMetadata) });
    }
    case 'PASSWORD':
      if (typeof responses.PASSWORD !== 'string' || !responses.PASSWORD)
        throw new errors.InvalidParameterError('Missing required parameter PASSWORD');
      deps.challenges.spend(req.Session as string);
      return passwordFactor(ctx, deps, attempt, responses.PASSWORD, metadataOf(req.ClientMetadata));
    case 'EMAIL_OTP':
      return answerEmailOtp(ctx, deps, req, session, attempt);
    default:
      return answerWebAuthn(ctx, deps, req, session, attempt);
  }
}

/**
 * Choice-based sign-in (`USER_AUTH`), which cognito-local lacks: the PASSWORD, EMAIL_OTP and WEB_AUTHN
 * first factors. The admin operations reach these layers through their public twins (targets/sign-in.ts).
 */
export const passwordlessLayers: readonly Layer[] = [
  {
    target: 'InitiateAuth',
    reference: INITIATE_AUTH,
    wrap: (next, deps) => (ctx, req) => (req.AuthFlow === 'USER_AUTH' ? userAuth(ctx, deps, req) : next(ctx, req)),
  },
  {
    target: 'RespondToAuthChallenge',
    reference: RESPOND,
    wrap: (next, deps) => (ctx, req) =>
      typeof req.ChallengeName === 'string' && ANSWERED_HERE.includes(req.ChallengeName) ? respond(ctx, deps, req) : next(ctx, req),
  },
];
