import type { Server } from 'node:http';
import { freePort } from '../helpers/ports';

/** The local OpenID provider the express-openid-connect target signs in at. */
export interface LocalOpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Requests the provider has answered since the last reset (0 during a measured window is the point). */
  requests(): number;
  resetRequests(): void;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider 8 on 127.0.0.1 on a free port, with one confidential client for the code flow
 * (refresh tokens included) and one account whose claims carry `email`. Its development interactions
 * serve the login and consent forms that sign-in.ts fills in.
 */
export async function startOpenIdProvider(options: { redirectUri: string; email: string }): Promise<LocalOpenIdProvider> {
  const { default: Provider } = await import('oidc-provider');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'bench-client';
  const clientSecret = 'bench-client-secret-bench-client-secret';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, sub) =>
      Promise.resolve({
        accountId: sub,
        claims: () => Promise.resolve({ sub, email: options.email, email_verified: true, name: 'Bench User' }),
      }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['bench-cookie-key-bench-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    // The email claim goes into the ID token (what express-openid-connect's req.oidc.user reads).
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Session: 86_400, Grant: 86_400, AccessToken: 3600, IdToken: 3600, RefreshToken: 86_400 },
  });
  let count = 0;
  provider.use(async (_ctx, next) => {
    count += 1;
    await next();
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    issuer,
    clientId,
    clientSecret,
    requests: () => count,
    resetRequests: () => {
      count = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
