import { randomBytes } from 'node:crypto';
import { createMemoryStore, type CognitoOptions } from 'express-cognito-signin';
import { createApp } from './app.js';

const COGNITO_VARIABLES = ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_DOMAIN'] as const;

/** Real Cognito from COGNITO_*, or undefined when none is set (development on the test kit's emulator). */
function cognitoFromEnv(env: NodeJS.ProcessEnv): CognitoOptions | undefined {
  const missing = COGNITO_VARIABLES.filter((name) => !env[name]);
  if (missing.length === COGNITO_VARIABLES.length) return undefined;
  if (missing.length > 0) throw new Error(`Real Cognito needs all of ${COGNITO_VARIABLES.join(', ')}; missing: ${missing.join(', ')}`);
  const domain = env.COGNITO_DOMAIN as string;
  return {
    region: env.COGNITO_REGION as string,
    userPoolId: env.COGNITO_USER_POOL_ID as string,
    clientId: env.COGNITO_CLIENT_ID as string,
    clientSecret: env.COGNITO_CLIENT_SECRET as string,
    domain: domain.startsWith('https://') ? domain : `https://${domain}`,
  };
}

const port = Number(process.env.PORT ?? 3000);
const baseUrl = process.env.APP_BASE_URL ?? `http://localhost:${port}`;
let cognito = cognitoFromEnv(process.env);
if (!cognito) {
  // Development only: the kit's emulator (a dev dependency), its users in a temp directory gone at exit.
  const { startCognitoLocal } = await import('express-cognito-signin/testing');
  cognito = (await startCognitoLocal({ baseUrl, mountPath: '/account' })).options;
  console.log('Cognito: the test kit’s emulator (development only)');
} else if (!process.env.SESSION_SECRET) {
  throw new Error('SESSION_SECRET is required with real Cognito (at least 32 characters)');
}

// Memory sessions live in this one process: a real deployment passes createRedisStore() or createSqliteStore().
const session = { store: createMemoryStore(), secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex') };
createApp({ baseUrl, cognito, session }).listen(port, '127.0.0.1', () => console.log(`Parts Depot at ${baseUrl}`));
