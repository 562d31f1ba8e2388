import { attributesAppend, attributeValue, CognitoError, type ApiRequest, type Context, type UserPoolService } from '../cognito-local';
import type { Layer, LayerDeps } from '../registry';
import { checkAccessToken } from './access-token';

const API = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference';

/**
 * Refuses an e-mail address another user holds where e-mail is a sign-in attribute (username attribute or
 * alias): AliasExistsException. cognito-local accepts it and leaves two accounts with one sign-in address.
 */
async function refuseTakenEmail(ctx: Context, pool: UserPoolService, username: string, attributes: unknown): Promise<void> {
  const email = Array.isArray(attributes) ? attributeValue('email', attributes as Array<{ Name: string; Value?: string }>) : undefined;
  const signInByEmail = pool.options.UsernameAttributes?.includes('email') || pool.options.AliasAttributes?.includes('email');
  if (!email || !signInByEmail) return;
  const holder = await pool.getUserByUsername(ctx, email);
  if (holder && holder.Username !== username) throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
}

function guardEmail(
  target: string,
  userOf: (ctx: Context, deps: LayerDeps, req: ApiRequest) => Promise<{ pool: UserPoolService; username: string }>,
): Layer {
  return {
    target,
    reference: `${API}/API_${target}.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const { pool, username } = await userOf(ctx, deps, req);
      await refuseTakenEmail(ctx, pool, username, req.UserAttributes);
      return next(ctx, req);
    },
  };
}

/** Attribute behaviours cognito-local lacks. */
export const attributeLayers: readonly Layer[] = [
  guardEmail('UpdateUserAttributes', async (ctx, deps, req) => {
    const { pool, user } = await checkAccessToken(ctx, deps, String(req.AccessToken));
    return { pool, username: user?.Username ?? '' };
  }),
  guardEmail('AdminUpdateUserAttributes', async (ctx, deps, req) => {
    const pool = await deps.services.cognito.getUserPool(ctx, String(req.UserPoolId));
    return { pool, username: (await pool.getUserByUsername(ctx, String(req.Username)))?.Username ?? '' };
  }),
  {
    // "When a user enters a code or follows an email link to confirm their user account, that email or phone
    // number is automatically verified." cognito-local leaves email_verified unset.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
    target: 'ConfirmSignUp',
    reference: `${API}/API_ConfirmSignUp.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const result: unknown = await next(ctx, req);
      const pool = await deps.services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      if (user && (pool.options.AutoVerifiedAttributes ?? []).includes('email') && attributeValue('email', user.Attributes)) {
        await pool.saveUser(ctx, { ...user, Attributes: attributesAppend(user.Attributes, { Name: 'email_verified', Value: 'true' }) });
      }
      return result;
    },
  },
];
