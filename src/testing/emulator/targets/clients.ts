import type { Layer, LayerDeps } from '../registry';
import type { Context, Route } from '../cognito-local';
import type { StoredClient } from './refresh';

const API = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference';

/**
 * The app-client settings cognito-local drops: `RefreshTokenRotation` and `AuthSessionValidity`. Like
 * every setting of UpdateUserPoolClient, one left out of an update goes back to its default ("If you don't
 * provide a value for an attribute, Amazon Cognito sets it to its default value").
 */
const KEPT = ['RefreshTokenRotation', 'AuthSessionValidity'] as const;

function kept(req: Record<string, unknown>): Partial<StoredClient> {
  return Object.fromEntries(KEPT.filter((key) => req[key] !== undefined).map((key) => [key, req[key]]));
}

async function store(
  ctx: Context,
  deps: LayerDeps,
  userPoolId: string,
  clientId: string,
  settings: Partial<StoredClient>,
): Promise<StoredClient | null> {
  const client: StoredClient | null = await deps.services.cognito.getAppClient(ctx, clientId);
  if (!client) return null;
  const { RefreshTokenRotation: _rotation, AuthSessionValidity: _validity, ...rest } = client;
  const updated: StoredClient = { ...rest, ...settings };
  await (await deps.services.cognito.getUserPool(ctx, userPoolId)).saveAppClient(ctx, updated);
  return updated;
}

function keeping(target: string): Layer {
  return {
    target,
    reference: `${API}/API_${target}.html`,
    wrap: (next: Route, deps) => async (ctx, req) => {
      const result = (await next(ctx, req)) as { UserPoolClient?: Record<string, unknown> };
      const clientId = result.UserPoolClient?.ClientId;
      if (typeof clientId !== 'string') return result;
      await store(ctx, deps, String(req.UserPoolId), clientId, kept(req));
      return { ...result, UserPoolClient: { ...result.UserPoolClient, ...kept(req) } };
    },
  };
}

/** Create, update and describe app clients with the settings the fidelity layer uses. */
export const clientLayers: readonly Layer[] = [
  keeping('CreateUserPoolClient'),
  keeping('UpdateUserPoolClient'),
  {
    target: 'DescribeUserPoolClient',
    reference: `${API}/API_DescribeUserPoolClient.html`,
    wrap: (next, deps) => async (ctx, req) => {
      const result = (await next(ctx, req)) as { UserPoolClient?: Record<string, unknown> };
      const client: StoredClient | null = await deps.services.cognito.getAppClient(ctx, String(req.ClientId));
      return client ? { ...result, UserPoolClient: { ...result.UserPoolClient, ...kept(client as unknown as Record<string, unknown>) } } : result;
    },
  },
];
