import { errors, fieldsOf, type ApiRequest, type Context, type UserPoolService } from '../cognito-local';
import type { Layer, LayerDeps } from '../registry';
import { checkAccessToken } from './access-token';

/** The characters Cognito counts as symbols (and a space that is neither first nor last). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '.split(''));

/**
 * The first rule of the pool's password policy that `password` breaks, in Cognito's words, or undefined.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
 */
export function policyViolation(pool: UserPoolService, password: string): string | undefined {
  const policy = pool.options.Policies?.PasswordPolicy;
  if (!policy) return undefined;
  if ([...password].length < (policy.MinimumLength ?? 8)) return 'Password not long enough';
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.RequireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.RequireSymbols && ![...password.trim()].some((c) => SYMBOLS.has(c))) return 'Password must have symbol characters';
  return undefined;
}

/**
 * Refuses a password the pool's policy does not allow: InvalidPasswordException "Password did not conform
 * with policy: …". A password that starts or ends with a space fails the API's own pattern first
 * (InvalidParameterException).
 */
export function enforcePolicy(pool: UserPoolService, password: unknown): void {
  if (typeof password !== 'string') return;
  if (password !== password.trim()) {
    throw new errors.InvalidParameterError(
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
    );
  }
  const broken = policyViolation(pool, password);
  if (broken) throw new errors.CognitoError('InvalidPasswordException', `Password did not conform with policy: ${broken}`);
}

type PoolOf = (ctx: Context, deps: LayerDeps, req: ApiRequest) => Promise<UserPoolService>;
const byClient: PoolOf = (ctx, deps, req) => deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
const byPoolId: PoolOf = (ctx, deps, req) => deps.services.cognito.getUserPool(ctx, String(req.UserPoolId));

function enforced(target: string, reference: string, poolOf: PoolOf, passwordOf: (req: ApiRequest) => unknown): Layer {
  return {
    target,
    reference,
    wrap: (next, deps) => async (ctx, req) => {
      const password = passwordOf(req);
      if (password !== undefined) enforcePolicy(await poolOf(ctx, deps, req), password);
      return next(ctx, req);
    },
  };
}

const API = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference';

/** The password policy on every operation that sets a password (cognito-local checks none). */
export const passwordPolicyLayers: readonly Layer[] = [
  enforced('SignUp', `${API}/API_SignUp.html`, byClient, (req) => req.Password),
  enforced('ConfirmForgotPassword', `${API}/API_ConfirmForgotPassword.html`, byClient, (req) => req.Password),
  enforced('AdminSetUserPassword', `${API}/API_AdminSetUserPassword.html`, byPoolId, (req) => req.Password),
  enforced('AdminCreateUser', `${API}/API_AdminCreateUser.html`, byPoolId, (req) => req.TemporaryPassword),
  enforced('RespondToAuthChallenge', `${API}/API_RespondToAuthChallenge.html`, byClient, (req) =>
    req.ChallengeName === 'NEW_PASSWORD_REQUIRED' ? fieldsOf(req.ChallengeResponses).NEW_PASSWORD : undefined,
  ),
  {
    // A wrong current password is NotAuthorizedException on Cognito (cognito-local: InvalidPasswordException).
    target: 'ChangePassword',
    reference: `${API}/API_ChangePassword.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const { pool, user } = await checkAccessToken(ctx, deps, String(req.AccessToken));
      enforcePolicy(pool, req.ProposedPassword);
      if (user && req.PreviousPassword !== user.Password) throw new errors.NotAuthorizedError('Incorrect username or password.');
      return next(ctx, req);
    },
  },
];
