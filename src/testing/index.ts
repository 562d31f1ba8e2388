import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { ConfirmSignUpCommand, SignUpCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Express } from 'express';
import * as OTPAuth from 'otpauth';
import type supertest from 'supertest';
import { createCognitoClient } from '../cognito/client';
import { startEmulator, type RunningEmulator } from './emulator/start';
import { startEmulatorOnFreePort } from './free-port';
import { createEmulatorMailbox, type MailboxEntry } from '../cognito/mailbox';
import type { FirstAuthFactor, WebAuthnSettings } from '../cognito/pool-settings';
import { provisionEmulatorPool, type EmulatorPoolOptions } from '../cognito/provision';
import type { CognitoOptions } from '../cognito/settings';
import { markAsTestKit } from '../kit-marker';
import { advanceEmulatorClock, resetEmulatorClock } from './clock';
import { secretHashOf } from './emulator/secret-hash';
import { createPasskeys, type CognitoLocalPasskeys } from './passkey-registration';
import { signInThroughHostedUi, submitForm } from './sign-in';
import { createOwnedTempDir, removeAbandonedTempDirs } from './stale-dirs';

export { assertPortFree, startEmulator, waitForEmulator, type RunningEmulator, type StartEmulatorOptions } from './emulator/start';
export { EmulatorError, EmulatorExitedError, EmulatorNotReadyError, PortInUseError, type EmulatorErrorCode } from './emulator/errors';
export { createEmulatorMailbox, type Mailbox, type MailboxEntry } from '../cognito/mailbox';
export { EMULATOR_WEBAUTHN, type EmulatorPoolOptions } from '../cognito/provision';
export type { FirstAuthFactor, WebAuthnSettings } from '../cognito/pool-settings';
export { advanceEmulatorClock, resetEmulatorClock } from './clock';
export type { CognitoLocalPasskeys } from './passkey-registration';
export {
  createPasskeyAuthenticator,
  type PasskeyAuthenticationResponse,
  type PasskeyAuthenticator,
  type PasskeyAuthenticatorOptions,
  type PasskeyRegistrationResponse,
} from './passkeys';
export { csrfTokenOf, submitForm } from './sign-in';
export { removeAbandonedTempDirs } from './stale-dirs';

/** A supertest agent: one browser with its cookies. */
export type TestAgent = ReturnType<typeof supertest.agent>;

/** A user the kit created in the emulator. */
export interface TestUser {
  email: string;
  password: string;
  sub: string;
}

/** Where the host mounts `cognitoAuth()` in the app under test. */
export interface StartCognitoLocalOptions {
  /** The host app's origin as registered with the pool (nothing needs to listen there). Default `http://localhost:3000`. */
  baseUrl?: string;
  /** Where `cognitoAuth()` is mounted. Default `/`. */
  mountPath?: string;
  /** A port for the emulator; default a free one. */
  port?: number;
  /**
   * A working directory for the emulator's data; default a fresh temp directory `cognito-local-*`, removed
   * by `stop()`. Those an earlier run left when it was killed are removed at the next start.
   */
  dir?: string;
  /**
   * The first factors of choice-based sign-in (`USER_AUTH`) the pool allows. Default all three
   * (`PASSWORD`, `EMAIL_OTP`, `WEB_AUTHN`), so every sign-in can be tested; narrow it to match a production
   * pool. `[]`: a pool without choice-based sign-in (the client does not allow `USER_AUTH`).
   */
  firstAuthFactors?: readonly FirstAuthFactor[];
  /**
   * The pool's passkey relying party and user verification. Default `localhost` (which pages on
   * `http://localhost:<port>` and `http://<name>.localhost:<port>` can use) and `preferred`.
   */
  passkeys?: Partial<WebAuthnSettings>;
}

/** A running cognito-local with a provisioned pool and app client, and helpers for tests. */
export interface CognitoLocal {
  /** The emulator's URL (SDK endpoint, OAuth endpoints and issuer prefix). */
  url: string;
  /** The emulator's working directory (its data is in `.cognito/db`). */
  dir: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
  /**
   * What `cognitoAuth({ cognito })` takes to talk to this emulator. With these options (spread or not),
   * `cognitoAuth()` relaxes each request limit that `rateLimits` does not set, so that a suite can sign in
   * as often as it needs (`signedInAgent()` in every test); set a limit in `rateLimits` to test it.
   */
  options: CognitoOptions & { endpoint: string };
  /** An SDK client pointed at the emulator, for what the kit does not cover. */
  client: CognitoIdentityProviderClient;
  /**
   * Creates a user through sign-up; confirmed with the e-mailed code (so the address is verified) unless
   * `confirmed: false`. Email and password default to fresh valid ones.
   */
  createUser(user?: { email?: string; password?: string; confirmed?: boolean }): Promise<TestUser>;
  /** The codes the emulator would have e-mailed and that are still pending, newest first. */
  codes(email?: string): Promise<MailboxEntry[]>;
  /**
   * The newest pending code for `email` (of one `kind` if given, e.g. `sign-in` for an e-mailed sign-in
   * code); throws when there is none.
   */
  latestCode(email: string, kind?: MailboxEntry['kind']): Promise<string>;
  /** Passkeys for tests without a browser. */
  passkeys: CognitoLocalPasskeys;
  /** Signs `agent` in through the mounted custom sign-in page; resolves with the POST's response. */
  signIn(agent: TestAgent, user: Pick<TestUser, 'email' | 'password'>): Promise<supertest.Response>;
  /**
   * Signs `agent` in through the Hosted UI (the emulator's login form and the app's callback). For an
   * account with two-step sign-in on, give `totpSecret`: the form asks for the authenticator-app code.
   */
  signInWithHostedUi(agent: TestAgent, user: Pick<TestUser, 'email' | 'password'> & { totpSecret?: string }): Promise<supertest.Response>;
  /** A new agent for `app`, signed in as `user` through the custom sign-in page. */
  signedInAgent(app: Express, user: Pick<TestUser, 'email' | 'password'>): Promise<TestAgent>;
  /**
   * Moves the emulator's clock forward by `seconds` (codes, tokens and challenge sessions expire on it),
   * instead of waiting. Tokens it issues afterwards are dated on the moved clock. Put it back with
   * {@link CognitoLocal.resetClock}.
   */
  advanceClock(seconds: number): Promise<void>;
  /** Puts the emulator's clock back to real time. */
  resetClock(): Promise<void>;
  /** Stops the emulator and removes its temp directory. */
  stop(): Promise<void>;
}

/** The kit's temp directories: `<tmp>/cognito-local-XXXXXX`. */
const TEMP_PREFIX = 'cognito-local-';

/**
 * Starts the emulator (cognito-local with the fidelity layer of docs/emulator.md) on a free port in a temp directory, with the same pool and app-client settings as
 * the package provisions everywhere, and returns what `cognitoAuth()` needs plus helpers to create users,
 * read the codes the emulator would e-mail, and sign supertest agents in. Needs no Docker and no AWS;
 * `cognito-local` and `supertest` must be installed (dev dependencies of the host).
 */
export async function startCognitoLocal(options: StartCognitoLocalOptions = {}): Promise<CognitoLocal> {
  const baseUrl = (options.baseUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const mountPath = normaliseMountPath(options.mountPath ?? '/');
  const ownDir = options.dir === undefined;
  if (ownDir) removeAbandonedTempDirs(TEMP_PREFIX);
  const dir = options.dir ?? createOwnedTempDir(TEMP_PREFIX);
  let emulator: RunningEmulator | undefined;
  let client: CognitoIdentityProviderClient | undefined;
  try {
    emulator = options.port === undefined ? await startEmulatorOnFreePort({ dir }) : await startEmulator({ dir, port: options.port });
    client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 5000 });
    // The pool's callback URL follows the mount: <baseUrl><mountPath>/callback.
    const ids = await provisionEmulatorPool(client, baseUrl, {
      mountPath,
      ...(options.firstAuthFactors ? { firstAuthFactors: options.firstAuthFactors } : {}),
      ...(options.passkeys ? { webAuthn: { relyingPartyId: 'localhost', userVerification: 'preferred', ...options.passkeys } } : {}),
    });
    return createHandle(emulator, client, ids, { mountPath, ownDir, baseUrl });
  } catch (err) {
    client?.destroy();
    await emulator?.stop();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function createHandle(
  emulator: RunningEmulator,
  client: CognitoIdentityProviderClient,
  ids: { userPoolId: string; clientId: string; clientSecret: string | undefined },
  where: { mountPath: string; ownDir: boolean; baseUrl: string },
): CognitoLocal {
  const mailbox = createEmulatorMailbox(emulator.dir, ids.userPoolId);
  const at = (p: string) => (where.mountPath === '/' ? p : `${where.mountPath}${p}`);
  const handle: CognitoLocal = {
    url: emulator.url,
    dir: emulator.dir,
    ...ids,
    options: markAsTestKit({ region: 'local', ...ids, domain: emulator.url, endpoint: emulator.url }),
    client,
    async createUser(user = {}) {
      const email = user.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
      const password = user.password ?? generatePassword();
      const signUp = await client.send(
        new SignUpCommand({ ClientId: ids.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }),
      );
      if (user.confirmed !== false) {
        // With the e-mailed code, as the person would: the address is then verified, so e-mailed sign-in
        // codes are offered (an administrator's confirmation would leave it unverified).
        const hash = ids.clientSecret ? { SecretHash: secretHashOf(email, ids.clientId, ids.clientSecret) } : {};
        const code = await handle.latestCode(email, 'signup');
        await client.send(new ConfirmSignUpCommand({ ClientId: ids.clientId, Username: email, ConfirmationCode: code, ...hash }));
      }
      return { email, password, sub: signUp.UserSub as string };
    },
    async codes(email) {
      const entries = await mailbox.read();
      return email === undefined ? entries : entries.filter((e) => e.email === email.toLowerCase());
    },
    async latestCode(email, kind) {
      const [entry] = (await handle.codes(email)).filter((e) => kind === undefined || e.kind === kind);
      if (!entry) throw new Error(`no pending ${kind === undefined ? '' : `${kind} `}code for ${email} in the emulator`);
      return entry.code;
    },
    passkeys: createPasskeys(client, ids, where.baseUrl),
    signIn: (agent, user) => submitForm(agent, at('/login'), { email: user.email, password: user.password }),
    signInWithHostedUi: (agent, user) => signInThroughHostedUi(agent, at('/login/hosted'), user),
    advanceClock: (seconds) => advanceEmulatorClock(emulator.url, seconds),
    resetClock: () => resetEmulatorClock(emulator.url),
    async signedInAgent(app, user) {
      const { default: request } = await import('supertest');
      const agent = request.agent(app);
      const res = await handle.signIn(agent, user);
      if (res.status !== 303) throw new Error(`sign-in as ${user.email} answered ${res.status}, not 303`);
      return agent;
    },
    async stop() {
      client.destroy();
      await emulator.stop();
      if (where.ownDir) fs.rmSync(emulator.dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** '/account/' → '/account'; '' → '/'. */
function normaliseMountPath(mountPath: string): string {
  const trimmed = `/${mountPath.replace(/^\/+|\/+$/g, '')}`;
  return trimmed;
}

/** A password that meets the provisioned pool's policy (upper, lower, digit, symbol, ≥ 8). */
function generatePassword(): string {
  return `Aa1!${randomBytes(12).toString('base64url')}`;
}

/**
 * Provisions the package's pool and app client in a running cognito-local (idempotent: the same ids on
 * every start), with `<baseUrl><mountPath>/callback` as the callback URL. For an emulator of your
 * own (the reference app's embedded one); {@link startCognitoLocal} does this itself.
 */
export async function provisionPool(
  emulator: { url: string; region?: string; timeoutMs?: number },
  baseUrl: string,
  options: EmulatorPoolOptions = {},
): Promise<{ userPoolId: string; clientId: string; clientSecret: string | undefined }> {
  const client = createCognitoClient({ region: emulator.region ?? 'local', endpoint: emulator.url, timeoutMs: emulator.timeoutMs ?? 5000 });
  try {
    return await provisionEmulatorPool(client, baseUrl, options);
  } finally {
    client.destroy();
  }
}

/**
 * The code an authenticator app shows now for a Base32 TOTP secret (SHA-1, 6 digits, 30 s, as Cognito
 * uses), e.g. the key the two-step set-up page shows as text.
 */
export function totpCode(secret: string, timestamp = Date.now()): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp,
  });
}
