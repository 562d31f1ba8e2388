/**
 * @typedef {object} Config
 * @property {string} baseUrl
 * @property {string} host
 * @property {number} port
 * @property {number} trustProxy
 * @property {string | undefined} sessionSecret
 * @property {string | undefined} redisUrl
 * @property {import('express-cognito-signin').CognitoOptions | undefined} cognito Undefined: no COGNITO_* variable is set (development on the emulator).
 */

const COGNITO_VARIABLES = ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_DOMAIN'];

/**
 * Reads this app's settings from the environment (the only place that does). Throws an Error whose
 * message names what is wrong.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {Config}
 */
export function readConfig(env) {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT: must be a port number, not "${env.PORT}"`);
  const baseUrl = (env.APP_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const set = COGNITO_VARIABLES.filter((name) => env[name]);
  if (set.length > 0 && set.length < COGNITO_VARIABLES.length) {
    const missing = COGNITO_VARIABLES.filter((name) => !env[name]);
    throw new Error(`Real Cognito needs all of ${COGNITO_VARIABLES.join(', ')}; missing: ${missing.join(', ')}. Set none of them to run on the emulator.`);
  }
  const domain = env.COGNITO_DOMAIN?.startsWith('http') ? env.COGNITO_DOMAIN : `https://${env.COGNITO_DOMAIN}`;
  return {
    baseUrl,
    host: env.HOST || '127.0.0.1',
    port,
    trustProxy: Number(env.TRUST_PROXY ?? 0) || 0,
    sessionSecret: env.SESSION_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    cognito:
      set.length === 0
        ? undefined
        : {
            region: /** @type {string} */ (env.COGNITO_REGION),
            userPoolId: /** @type {string} */ (env.COGNITO_USER_POOL_ID),
            clientId: /** @type {string} */ (env.COGNITO_CLIENT_ID),
            clientSecret: env.COGNITO_CLIENT_SECRET,
            domain,
          },
  };
}
