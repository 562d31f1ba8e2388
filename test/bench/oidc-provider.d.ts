/** The little of oidc-provider 8 (ESM, untyped) that the bench uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  interface ProviderConfiguration {
    clients: Record<string, unknown>[];
    findAccount(ctx: unknown, sub: string): Promise<Account>;
    claims?: Record<string, string[] | null>;
    cookies?: { keys: string[] };
    features?: Record<string, { enabled: boolean }>;
    ttl?: Record<string, number>;
    conformIdTokenClaims?: boolean;
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    use(middleware: (ctx: unknown, next: () => Promise<void>) => Promise<void>): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    listen(port: number, host: string): Server;
  }
}
