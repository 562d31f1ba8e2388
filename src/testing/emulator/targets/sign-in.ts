import { errors, fieldsOf, type ApiRequest, type Context, type Route } from '../cognito-local';
import type { Layer, LayerDeps } from '../registry';
import { lifetimeOf, refreshTokens, type StoredClient } from './refresh';

const INITIATE_AUTH = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html';
const ADMIN_INITIATE_AUTH = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html';
const RESPOND = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html';
const ADMIN_RESPOND = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html';

/** Cognito's answer to a sign-in with a wrong password or, with prevent-user-existence-errors, an unknown user. */
const BAD_CREDENTIALS = 'Incorrect username or password.';

export interface AuthResult {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AvailableChallenges?: string[];
  AuthenticationResult?: { AccessToken?: string; RefreshToken?: string; ExpiresIn?: number; TokenType?: string };
}

/** Adds what Cognito's AuthenticationResult always has and cognito-local leaves out. */
export function completed<T extends AuthResult>(result: T): T {
  const tokens = result.AuthenticationResult;
  if (!tokens?.AccessToken) return result;
  return { ...result, AuthenticationResult: { ...tokens, ExpiresIn: lifetimeOf(tokens.AccessToken), TokenType: 'Bearer' } };
}

/** The app client, refused as Cognito refuses a client that is not in `userPoolId` (the admin operations name both). */
export async function clientOf(ctx: Context, deps: LayerDeps, clientId: unknown, userPoolId?: unknown): Promise<StoredClient> {
  const client: StoredClient | null = typeof clientId === 'string' ? await deps.services.cognito.getAppClient(ctx, clientId) : null;
  const poolName = String(userPoolId);
  if (userPoolId !== undefined) await deps.services.cognito.getUserPool(ctx, poolName);
  if (!client || (userPoolId !== undefined && client.UserPoolId !== userPoolId)) {
    throw new errors.ResourceNotFoundError(`User pool client ${String(clientId)} does not exist.`);
  }
  return client;
}

/**
 * USER_PASSWORD_AUTH with Cognito's checks before cognito-local's flow: a disabled user, a wrong password
 * (also for a temporary one, which cognito-local never checks before NEW_PASSWORD_REQUIRED) and an
 * expired temporary password are refused with NotAuthorizedException, and an unknown user too where the
 * client prevents user-existence errors. The challenge session that comes back is remembered.
 */
async function passwordSignIn(ctx: Context, deps: LayerDeps, req: ApiRequest, next: Route): Promise<AuthResult> {
  const { cognito, triggers } = deps.services;
  const client = await clientOf(ctx, deps, req.ClientId);
  const pool = await cognito.getUserPoolForClientId(ctx, client.ClientId);
  const username: unknown = fieldsOf(req.AuthParameters).USERNAME;
  if (typeof username !== 'string' || !username) throw new errors.InvalidParameterError('Missing required parameter USERNAME');
  const user = await pool.getUserByUsername(ctx, username);
  if (!user && !triggers.enabled('UserMigration')) {
    throw client.PreventUserExistenceErrors === 'ENABLED'
      ? new errors.NotAuthorizedError(BAD_CREDENTIALS)
      : new errors.UserNotFoundError('User does not exist.');
  }
  if (user) {
    if (user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
    if (user.UserStatus !== 'RESET_REQUIRED' && user.Password !== fieldsOf(req.AuthParameters).PASSWORD)
      throw new errors.NotAuthorizedError(BAD_CREDENTIALS);
    const validityDays = pool.options.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
    const created = new Date(user.UserCreateDate).getTime();
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD' && deps.clock.now() - created > validityDays * 86_400_000) {
      throw new errors.NotAuthorizedError('Temporary password has expired and must be reset by an administrator.');
    }
  }
  const result = (await next(ctx, req)) as AuthResult;
  if (result.Session && result.ChallengeName) {
    deps.challenges.issue(
      result.Session,
      { userPoolId: pool.options.Id, clientId: client.ClientId, names: [username, user?.Username ?? username], challengeName: result.ChallengeName },
      client.AuthSessionValidity,
    );
  }
  return completed(result);
}

/**
 * An answer to a challenge: only with a live session of this client and user (challenge-sessions.ts). A
 * session is used up by a right answer; the refresh token of the sign-in it completes is stored, so it
 * refreshes (cognito-local never stores it).
 */
async function respond(ctx: Context, deps: LayerDeps, req: ApiRequest, next: Route): Promise<AuthResult> {
  const client = await clientOf(ctx, deps, req.ClientId);
  const session = deps.challenges.check(req.Session, client.ClientId, fieldsOf(req.ChallengeResponses).USERNAME, req.ChallengeName);
  const result = (await next(ctx, req)) as AuthResult;
  deps.challenges.spend(req.Session as string);
  if (result.Session && result.ChallengeName) {
    deps.challenges.issue(result.Session, { ...session, challengeName: result.ChallengeName }, client.AuthSessionValidity);
  }
  const refreshToken = result.AuthenticationResult?.RefreshToken;
  if (refreshToken) {
    const pool = await deps.services.cognito.getUserPool(ctx, session.userPoolId);
    const user = await pool.getUserByUsername(ctx, session.names[1] ?? String(fieldsOf(req.ChallengeResponses).USERNAME));
    if (user) await pool.storeRefreshToken(ctx, refreshToken, user);
  }
  return completed(result);
}

/** Sign-in and challenges, public and admin. */
export const signInLayers: readonly Layer[] = [
  {
    target: 'InitiateAuth',
    reference: INITIATE_AUTH,
    wrap: (next, deps) => async (ctx, req) => {
      switch (req.AuthFlow) {
        case 'USER_PASSWORD_AUTH':
          return passwordSignIn(ctx, deps, req, next);
        case 'REFRESH_TOKEN_AUTH':
        case 'REFRESH_TOKEN': {
          const refresh = { ClientId: req.ClientId, RefreshToken: fieldsOf(req.AuthParameters).REFRESH_TOKEN, ClientMetadata: req.ClientMetadata };
          return { ChallengeParameters: {}, AuthenticationResult: await refreshTokens(ctx, deps, refresh, 'REFRESH_TOKEN_AUTH') };
        }
        default:
          return next(ctx, req);
      }
    },
  },
  {
    // The admin flows raise the same challenges as InitiateAuth's: ADMIN_USER_PASSWORD_AUTH (and its old
    // name ADMIN_NO_SRP_AUTH) answers as USER_PASSWORD_AUTH does, the other flows as InitiateAuth's own.
    target: 'AdminInitiateAuth',
    reference: ADMIN_INITIATE_AUTH,
    wrap: (_next, deps) => async (ctx, req) => {
      await clientOf(ctx, deps, req.ClientId, req.UserPoolId);
      const { UserPoolId: _pool, ContextData: _context, ...rest } = req as Record<string, unknown>;
      const admin = req.AuthFlow === 'ADMIN_USER_PASSWORD_AUTH' || req.AuthFlow === 'ADMIN_NO_SRP_AUTH';
      return deps.route('InitiateAuth')(ctx, admin ? { ...rest, AuthFlow: 'USER_PASSWORD_AUTH' } : rest);
    },
  },
  { target: 'RespondToAuthChallenge', reference: RESPOND, wrap: (next, deps) => (ctx, req) => respond(ctx, deps, req, next) },
  {
    target: 'AdminRespondToAuthChallenge',
    reference: ADMIN_RESPOND,
    wrap: (_next, deps) => async (ctx, req) => {
      await clientOf(ctx, deps, req.ClientId, req.UserPoolId);
      const { UserPoolId: _pool, ContextData: _context, ...rest } = req as Record<string, unknown>;
      return deps.route('RespondToAuthChallenge')(ctx, rest);
    },
  },
];
