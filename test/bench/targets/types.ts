import type express from 'express';
import type session from 'express-session';
import type { SessionStoreKind } from '../settings';
import type { CountedStore } from './stores';

/**
 * The ways of serving the page that the bench compares: a host's page behind the package's
 * `requiresAuth()`, the reference app's whole stack, express-openid-connect, express-session alone and
 * plain Express.
 */
export type TargetKind = 'guarded' | 'app' | 'openid-connect' | 'session-only' | 'session-tiny' | 'plain';

/** Where a target keeps sessions: one of the package's stores, express-openid-connect's cookie, or nowhere. */
export type TargetStore = SessionStoreKind | 'cookie' | 'none';

/** The emulator the bench started, as plain data (sent to the target processes over IPC). */
export interface BenchCognito {
  url: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string;
}

/** Everything a server child needs to build one target (sent over IPC, so plain data only). */
export interface TargetSpec {
  kind: TargetKind;
  store: TargetStore;
  /** A directory of this target's own (the SQLite file lives here). */
  dataDir: string;
  redisUrl: string;
  /** Key prefix in the shared redis-server, one per target. */
  redisPrefix: string;
  sessionSecret: string;
  /** For `guarded` and `app`: the emulator's pool and client. */
  cognito?: BenchCognito;
  /** For `openid-connect`: the local OpenID provider and the registered client. */
  oidc?: { issuer: string; clientId: string; clientSecret: string; baseUrl: string };
}

/** A target built inside its server child. */
export interface BuiltTarget {
  app: express.Express;
  /** The session store, when the target has one (the child reads a session from it on request). */
  store?: session.Store | undefined;
  /** The store's write counter and log (set or touch), when the target has a store. */
  writes?: Pick<CountedStore, 'writes' | 'startLog' | 'stopLog' | 'busiestSession'> | undefined;
  /** Calls that reached Cognito (SDK commands and fetch), for the package's targets. */
  cognitoCalls?: () => number;
  close(): Promise<void>;
}
