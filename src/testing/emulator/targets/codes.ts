import {
  CognitoError,
  errors,
  metadataOf,
  selectAppropriateDeliveryMethod,
  type ApiRequest,
  type Context,
  type Route,
  type UserPoolService,
} from '../cognito-local';
import { CODE_VALIDITY_MS, WRONG_CODE_LIMIT, type CodeField, type StampedUser } from '../code-stamps';
import type { Layer, LayerDeps } from '../registry';
import { checkAccessToken } from './access-token';
import type { StoredClient } from './refresh';

/** Cognito's messages for the three ways a code is refused. */
const MISMATCH = 'Invalid verification code provided, please try again.';
const EXPIRED = 'Invalid code provided, please request a code again.';
const LIMIT = 'Attempt limit exceeded, please try after some time.';
/** Cognito's answer to ConfirmSignUp for a user who is already confirmed. */
const ALREADY_CONFIRMED = 'User cannot be confirmed. Current status is CONFIRMED';

/**
 * Checks a code against the user's pending one before cognito-local's operation runs: past its lifetime it
 * is ExpiredCodeException; a wrong one is CodeMismatchException and counts; after {@link WRONG_CODE_LIMIT}
 * wrong ones every attempt, right or wrong, is LimitExceededException until a new code is sent.
 */
async function checkCode(
  ctx: Context,
  deps: LayerDeps,
  pool: UserPoolService,
  user: StampedUser | null,
  field: CodeField,
  code: unknown,
): Promise<void> {
  const stamp = user?.CodeStamps?.[field];
  if (!user || !stamp || !user[field]) return;
  if (stamp.Failures >= WRONG_CODE_LIMIT) throw new CognitoError('LimitExceededException', LIMIT);
  if (code !== user[field]) {
    await pool.saveUser(ctx, { ...user, CodeStamps: { ...user.CodeStamps, [field]: { ...stamp, Failures: stamp.Failures + 1 } } } as StampedUser);
    throw new CognitoError('CodeMismatchException', MISMATCH);
  }
  if (deps.clock.now() - stamp.IssuedAt > CODE_VALIDITY_MS[stamp.Purpose]) throw new CognitoError('ExpiredCodeException', EXPIRED);
}

/** A layer that checks the code of a client-authorized operation (`ClientId`, `Username`), then runs it. */
function codeChecked(target: string, reference: string, codeOf: (req: ApiRequest) => unknown): Layer {
  return {
    target,
    reference,
    wrap: (next: Route, deps) => async (ctx, req) => {
      const pool = await deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const user: StampedUser | null = await pool.getUserByUsername(ctx, String(req.Username));
      await checkCode(ctx, deps, pool, user, 'ConfirmationCode', codeOf(req));
      return next(ctx, req);
    },
  };
}

/** Code lifetimes and the wrong-code limit, and ResendConfirmationCode (which cognito-local lacks). */
export const codeLayers: readonly Layer[] = [
  {
    // A confirmed user cannot be confirmed again: Cognito answers NotAuthorizedException, whatever the code
    // (cognito-local cleared the code at confirmation, finds none and answers ExpiredCodeException).
    target: 'ConfirmSignUp',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html',
    wrap: (next, deps) => async (ctx, req) => {
      const pool = await deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      if (user?.UserStatus === 'CONFIRMED') throw new CognitoError('NotAuthorizedException', ALREADY_CONFIRMED);
      return next(ctx, req);
    },
  },
  codeChecked(
    'ConfirmSignUp',
    'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html',
    (req) => req.ConfirmationCode,
  ),
  {
    // With prevent-user-existence-errors: "ConfirmForgotPassword — Amazon Cognito returns the
    // CodeMismatchException error for users that don't exist or are disabled. If a code isn't requested when
    // using ForgotPassword, Amazon Cognito returns the ExpiredCodeException error."
    // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    target: 'ConfirmForgotPassword',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html',
    wrap: (next, deps) => async (ctx, req) => {
      const pool = await deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const client: StoredClient | null = await deps.services.cognito.getAppClient(ctx, String(req.ClientId));
      const user: StampedUser | null = await pool.getUserByUsername(ctx, String(req.Username));
      if (client?.PreventUserExistenceErrors === 'ENABLED') {
        if (!user || user.Enabled === false) throw new CognitoError('CodeMismatchException', MISMATCH);
        if (!user.ConfirmationCode) throw new CognitoError('ExpiredCodeException', EXPIRED);
      }
      await checkCode(ctx, deps, pool, user, 'ConfirmationCode', req.ConfirmationCode);
      return next(ctx, req);
    },
  },
  {
    // With prevent-user-existence-errors, an unknown user gets an answer as if a code had been sent (same page).
    target: 'ForgotPassword',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html',
    wrap: (next, deps) => async (ctx, req) => {
      const pool = await deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const client: StoredClient | null = await deps.services.cognito.getAppClient(ctx, String(req.ClientId));
      if (client?.PreventUserExistenceErrors === 'ENABLED' && !(await pool.getUserByUsername(ctx, String(req.Username)))) {
        return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: String(req.Username) } };
      }
      return next(ctx, req);
    },
  },
  {
    target: 'VerifyUserAttribute',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html',
    wrap: (next, deps) => async (ctx, req) => {
      const { pool, user } = await checkAccessToken(ctx, deps, String(req.AccessToken));
      await checkCode(ctx, deps, pool, user, 'AttributeVerificationCode', req.Code);
      return next(ctx, req);
    },
  },
  {
    // An administrator's confirmation ends the sign-up: its code is no longer pending (cognito-local keeps it,
    // and it would then pass for a password-reset code).
    target: 'AdminConfirmSignUp',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminConfirmSignUp.html',
    wrap: (next, deps) => async (ctx, req) => {
      const result: unknown = await next(ctx, req);
      const pool = await deps.services.cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      if (user?.ConfirmationCode) await pool.saveUser(ctx, { ...user, ConfirmationCode: undefined });
      return result;
    },
  },
  {
    // A new code for an unconfirmed user, sent where SignUp sent the first; it replaces the old one.
    target: 'ResendConfirmationCode',
    reference: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html',
    wrap: (_next, deps) => async (ctx, req) => {
      const { cognito, messages, otp } = deps.services;
      const pool = await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const client: StoredClient | null = await cognito.getAppClient(ctx, String(req.ClientId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      const delivery = user ? selectAppropriateDeliveryMethod(pool.options.AutoVerifiedAttributes ?? [], user) : null;
      if (!user) {
        if (client?.PreventUserExistenceErrors !== 'ENABLED') throw new errors.UserNotFoundError('Username/client id combination not found.');
        // With prevent-user-existence-errors Cognito answers as if it had sent a code.
        return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: String(req.Username) } };
      }
      if (user.UserStatus !== 'UNCONFIRMED') throw new errors.InvalidParameterError('User is already confirmed.');
      if (!delivery) throw new errors.InvalidParameterError('User has no attribute matching desired auto verified attributes');
      const code = otp();
      await messages.deliver(ctx, 'ResendCode', String(req.ClientId), pool.options.Id, user, code, metadataOf(req.ClientMetadata), delivery);
      await pool.saveUser(ctx, { ...user, ConfirmationCode: code, UserLastModifiedDate: deps.clock.get() });
      // The destination unmasked, as cognito-local's SignUp gives it (Cognito masks it).
      return { CodeDeliveryDetails: delivery };
    },
  },
];
