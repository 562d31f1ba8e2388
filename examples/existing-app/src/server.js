import { randomBytes } from 'node:crypto';
import { createMemoryStore, createRedisStore } from 'express-cognito-signin';
import { createApp } from './app.js';
import { readConfig } from './config.js';

/**
 * Starts the test kit's cognito-local: development only (a dev dependency; its users live in a temp
 * directory removed at exit).
 *
 * @param {string} baseUrl
 */
async function startEmulator(baseUrl) {
  const { startCognitoLocal } = await import('express-cognito-signin/testing').catch((err) => {
    throw new Error('No COGNITO_* variables are set, and the emulator needs the dev dependencies (npm install without --omit=dev).', { cause: err });
  });
  return startCognitoLocal({ baseUrl, mountPath: '/account' });
}

async function main() {
  const config = readConfig(process.env);
  const production = config.baseUrl.startsWith('https:');
  if (production && (!config.redisUrl || !config.sessionSecret)) {
    throw new Error('An https APP_BASE_URL is production: set REDIS_URL (sessions shared by every instance) and SESSION_SECRET (at least 32 characters).');
  }
  if (config.cognito && !config.sessionSecret) throw new Error('SESSION_SECRET is required with real Cognito (at least 32 characters).');

  const emulator = config.cognito ? undefined : await startEmulator(config.baseUrl);
  const sessions = config.redisUrl ? createRedisStore({ url: config.redisUrl }) : createMemoryStore();
  const { app, auth } = createApp({
    baseUrl: config.baseUrl,
    cognito: config.cognito ?? /** @type {NonNullable<typeof emulator>} */ (emulator).options,
    // On the emulator a fresh secret per start is fine: its users and the memory store go with the process.
    session: { store: sessions, secret: config.sessionSecret ?? randomBytes(32).toString('hex') },
    mailbox: emulator && { read: () => emulator.codes() },
    trustProxy: config.trustProxy,
  });

  const server = app.listen(config.port, config.host);
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  console.log(`Acme Notes at ${config.baseUrl} (listening on ${config.host}:${config.port})`);
  console.log(emulator ? `Cognito: EMULATOR at ${emulator.url} (development only). Codes it would e-mail: ${config.baseUrl}/account/dev/mailbox` : `Cognito: ${config.cognito?.region}, pool ${config.cognito?.userPoolId}`);
  console.log(`Sessions: ${config.redisUrl ? 'Redis' : 'memory (this process only)'}`);

  const stop = () => {
    server.close(() => void Promise.allSettled([auth.close(), sessions.close(), emulator?.stop()]).then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`Failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
