import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error';

/**
 * Reads `<dir>/.env` (Node's own parser, as `process.loadEnvFile` and `node --env-file` use) into `env`,
 * for the variables that are unset or empty there: a variable already in the environment wins.
 * `process.loadEnvFile` itself would keep an empty variable (`NODE_ENV=` from docker-compose) over the
 * file's value, and can only write `process.env`.
 *
 * @param env - usually `process.env`, so that what reads it besides the app (the AWS SDK's
 *   `AWS_PROFILE`, Express's `NODE_ENV`) sees the same values.
 * @returns the file's absolute path, or undefined when there is no `.env` there.
 * @throws {@link ConfigError} when the file exists but cannot be read.
 */
export function loadDotEnv(dir: string, env: Record<string, string | undefined>): string | undefined {
  const file = path.resolve(dir, '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`${file}: cannot be read (${(err as Error).message})`]);
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if ((env[name] ?? '').trim() === '') env[name] = value;
  }
  return file;
}
