import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { EmulatorClock } from './clock';
import { attributeValue, type Context, type User, type UserPoolService } from './cognito-local';
import { stampCodes } from './code-stamps';
import { withNewOrigin } from './token-origins';

/**
 * cognito-local's user-pool service with three behaviours of Cognito's, applied wherever any operation
 * reads or writes a user:
 * - usernames and e-mail aliases match without regard to case when the pool says so
 *   (`UsernameConfiguration.CaseSensitive: false`,
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html);
 * - every code it saves is stamped with the time it was issued ({@link stampCodes});
 * - every refresh token it stores starts a token family ({@link withNewOrigin}).
 */
function decoratePool(inner: UserPoolService, clock: EmulatorClock): UserPoolService {
  const caseInsensitive = () => inner.options.UsernameConfiguration?.CaseSensitive === false;
  const overrides: Partial<UserPoolService> = {
    async getUserByUsername(ctx: Context, username: string) {
      const exact = await inner.getUserByUsername(ctx, username);
      if (exact || !caseInsensitive() || typeof username !== 'string') return exact;
      const wanted = username.toLowerCase();
      const byEmail = inner.options.UsernameAttributes?.includes('email');
      const users = await inner.listUsers(ctx);
      return (
        users.find((u) => u.Username.toLowerCase() === wanted || (byEmail && attributeValue('email', u.Attributes)?.toLowerCase() === wanted)) ?? null
      );
    },
    saveUser(ctx: Context, user: User) {
      return inner.saveUser(ctx, stampCodes(user, clock.now()));
    },
    async storeRefreshToken(ctx: Context, refreshToken: string, user: User) {
      const latest = (await inner.getUserByUsername(ctx, user.Username)) ?? user;
      await inner.saveUser(ctx, withNewOrigin(latest, refreshToken, clock.now()));
    },
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof UserPoolService];
      return boundTo(target, Reflect.get(target, prop, receiver));
    },
  });
}

/** A method of the proxied service, bound to it (its `this` is the service, not the proxy); any other value as it is. */
function boundTo(target: object, value: unknown): unknown {
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** cognito-local's CognitoService, handing out the decorated pools of {@link decoratePool}. */
export function decorateCognito(inner: CognitoService, clock: EmulatorClock): CognitoService {
  const pools = new WeakMap<UserPoolService, UserPoolService>();
  const decorated = (pool: UserPoolService) => {
    let found = pools.get(pool);
    if (!found) {
      found = decoratePool(pool, clock);
      pools.set(pool, found);
    }
    return found;
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'getUserPool') return async (ctx: Context, id: string) => decorated(await target.getUserPool(ctx, id));
      if (prop === 'getUserPoolForClientId') return async (ctx: Context, id: string) => decorated(await target.getUserPoolForClientId(ctx, id));
      return boundTo(target, Reflect.get(target, prop, receiver));
    },
  });
}
