import { CognitoError, errors, textOf, type Context, type Route } from '../cognito-local';
import { firstFactorsOf, tierOf, webAuthnOf, type PasswordlessPool } from '../passwordless/pool';
import type { Layer, LayerDeps } from '../registry';

const API = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference';
const TIERS = ['LITE', 'ESSENTIALS', 'PLUS'];

/**
 * "FeatureUnavailableInTierException: thrown when a feature you attempted to configure isn't available
 * in your current feature plan." Choice-based sign-in's settings need Essentials or Plus: "To activate
 * this setting, your user pool must be in the Essentials tier or higher."
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html
 */
export function featureUnavailable(what: string): Error {
  return new CognitoError('FeatureUnavailableInTierException', `${what} is not available in the LITE feature plan.`);
}

function checkTier(tier: unknown): void {
  const given = String(tier);
  if (tier !== undefined && !TIERS.includes(given)) {
    throw new errors.InvalidParameterError(
      `1 validation error detected: Value '${given}' at 'userPoolTier' failed to satisfy constraint: Member must satisfy enum value set: [${TIERS.join(', ')}]`,
    );
  }
}

/** A LITE pool may sign in with the password only. */
function checkSignInPolicy(pool: PasswordlessPool): void {
  if (tierOf(pool) === 'LITE' && firstFactorsOf(pool).some((factor) => factor !== 'PASSWORD')) throw featureUnavailable('SignInPolicy');
}

async function poolOf(ctx: Context, deps: LayerDeps, id: unknown) {
  return deps.services.cognito.getUserPool(ctx, String(id));
}

/** Create and update keep `UserPoolTier` (cognito-local drops it) and refuse what the plan does not offer. */
function keepingTier(target: 'CreateUserPool' | 'UpdateUserPool'): Layer {
  return {
    target,
    reference: `${API}/API_${target}.html`,
    wrap: (next: Route, deps) => async (ctx, req) => {
      checkTier(req.UserPoolTier);
      const tier = textOf(req.UserPoolTier);
      // The request's policies are the client's, unchecked, in the shape the pool keeps them.
      const policies = req.Policies as PasswordlessPool['Policies'];
      if (target === 'UpdateUserPool') {
        const current = (await poolOf(ctx, deps, req.UserPoolId)).options as PasswordlessPool;
        checkSignInPolicy({ ...current, Policies: policies, UserPoolTier: tier ?? current.UserPoolTier });
      } else {
        checkSignInPolicy({ Policies: policies, UserPoolTier: tier } as PasswordlessPool);
      }
      const result = (await next(ctx, req)) as { UserPool?: Record<string, unknown> };
      const id = target === 'CreateUserPool' ? result.UserPool?.Id : req.UserPoolId;
      if (tier !== undefined && typeof id === 'string') {
        const pool = await poolOf(ctx, deps, id);
        await pool.updateOptions(ctx, { ...pool.options, UserPoolTier: tier } as PasswordlessPool);
      }
      if (!result.UserPool) return result;
      return { ...result, UserPool: { ...result.UserPool, UserPoolTier: tier ?? 'ESSENTIALS' } };
    },
  };
}

/** The passkey settings as SetUserPoolMfaConfig and GetUserPoolMfaConfig report them. */
function reported(pool: PasswordlessPool): Record<string, unknown> {
  return pool.WebAuthnConfiguration
    ? { WebAuthnConfiguration: { ...pool.WebAuthnConfiguration, UserVerification: webAuthnOf(pool).userVerification } }
    : {};
}

/** The pool settings choice-based sign-in reads: the feature plan, the sign-in policy and the passkey settings. */
export const poolFeatureLayers: readonly Layer[] = [
  keepingTier('CreateUserPool'),
  keepingTier('UpdateUserPool'),
  {
    target: 'DescribeUserPool',
    reference: `${API}/API_DescribeUserPool.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const result = (await next(ctx, req)) as { UserPool?: Record<string, unknown> };
      const pool = (await poolOf(ctx, deps, req.UserPoolId)).options as PasswordlessPool;
      return result.UserPool ? { ...result, UserPool: { ...result.UserPool, UserPoolTier: tierOf(pool) } } : result;
    },
  },
  {
    // WebAuthnConfiguration: RelyingPartyId (1–127 characters) and UserVerification (`required` or
    // `preferred`). Left out of a request, the pool keeps what it had, as cognito-local keeps the other
    // parts of this operation (what Cognito does then is not documented).
    target: 'SetUserPoolMfaConfig',
    reference: `${API}/API_SetUserPoolMfaConfig.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const config = req.WebAuthnConfiguration as PasswordlessPool['WebAuthnConfiguration'] | undefined;
      if (config) {
        const before = (await poolOf(ctx, deps, req.UserPoolId)).options as PasswordlessPool;
        if (tierOf(before) === 'LITE') throw featureUnavailable('WebAuthnConfiguration');
        const rp = config.RelyingPartyId;
        if (rp !== undefined && (typeof rp !== 'string' || rp.length < 1 || rp.length > 127)) {
          throw new errors.InvalidParameterError(
            "1 validation error detected: Value at 'webAuthnConfiguration.relyingPartyId' failed to satisfy constraint: Member must have length between 1 and 127",
          );
        }
        if (config.UserVerification !== undefined && !['required', 'preferred'].includes(config.UserVerification)) {
          throw new errors.InvalidParameterError(
            "1 validation error detected: Value at 'webAuthnConfiguration.userVerification' failed to satisfy constraint: Member must satisfy enum value set: [required, preferred]",
          );
        }
      }
      const result = (await next(ctx, req)) as Record<string, unknown>;
      const pool = await poolOf(ctx, deps, req.UserPoolId);
      if (config) await pool.updateOptions(ctx, { ...pool.options, WebAuthnConfiguration: { ...config } } as PasswordlessPool);
      return { ...result, ...reported(pool.options) };
    },
  },
  {
    target: 'GetUserPoolMfaConfig',
    reference: `${API}/API_GetUserPoolMfaConfig.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const result = (await next(ctx, req)) as Record<string, unknown>;
      return { ...result, ...reported((await poolOf(ctx, deps, req.UserPoolId)).options) };
    },
  },
];
