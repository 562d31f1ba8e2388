/**
 * The app's `.env` files as stack outputs. Comments sit on their own lines only: `docker run --env-file`
 * and other env-file readers keep a trailing `# …` as part of the value.
 */

/** One line of an env file: a comment, or a variable with its (possibly tokenized) value. */
export type EnvLine = { comment: string } | { name: string; value: string };

/** What both env files share: the pool's ids, the Hosted UI domain, and the federated providers. */
export interface PoolEnv {
  region: string;
  userPoolId: string;
  clientId: string;
  domain: string;
  identityProviders: readonly string[];
}

/** Joins lines into an env file; a value may be a CDK token (it becomes part of an `Fn::Join`). */
export function renderEnvFile(lines: readonly EnvLine[]): string {
  return lines.map((line) => ('comment' in line ? `# ${line.comment}` : `${line.name}=${line.value}`)).join('\n') + '\n';
}

function poolLines(pool: PoolEnv): EnvLine[] {
  return [
    { name: 'COGNITO_REGION', value: pool.region },
    { name: 'COGNITO_USER_POOL_ID', value: pool.userPoolId },
    { name: 'COGNITO_CLIENT_ID', value: pool.clientId },
    { name: 'COGNITO_DOMAIN', value: pool.domain },
    { comment: 'The client secret: the output of the CognitoClientSecretCommand command (never in the stack).' },
    { name: 'COGNITO_CLIENT_SECRET', value: '' },
    ...(pool.identityProviders.length > 0
      ? [
          { comment: 'Federated sign-in buttons, by identity provider name.' },
          { name: 'COGNITO_IDENTITY_PROVIDERS', value: pool.identityProviders.join(',') },
        ]
      : []),
  ];
}

/** Development on your machine against this pool: http://localhost is allowed outside production. */
export function developmentEnvFile(pool: PoolEnv, devOrigin: string): string {
  return renderEnvFile([
    { comment: 'The app on your machine against this real pool (development mode, http://localhost).' },
    { name: 'NODE_ENV', value: 'development' },
    { name: 'APP_BASE_URL', value: devOrigin },
    ...poolLines(pool),
  ]);
}

/** Production: https only, and a session secret of your own. */
export function productionEnvFile(pool: PoolEnv, appBaseUrl: string): string {
  return renderEnvFile([
    { comment: 'Production: the AppBaseUrl origin, behind TLS.' },
    { name: 'NODE_ENV', value: 'production' },
    { name: 'APP_BASE_URL', value: appBaseUrl },
    ...poolLines(pool),
    { comment: 'At least 32 characters, e.g. the output of: openssl rand -hex 32' },
    { name: 'SESSION_SECRET', value: '' },
  ]);
}
