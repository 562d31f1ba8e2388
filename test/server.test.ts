import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { developmentEnvFile } from '../infra/lib/env-files';
import { TEST_APP_BASE_URL, testEmulator } from './helpers/emulator';
import { freePort } from './helpers/ports';

const ROOT = path.resolve(__dirname, '..');
const SERVER = path.join(ROOT, 'src/app/server.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
/** Every server a test started: one a failed assertion left running is stopped after the test. */
const started: ChildProcess[] = [];

/**
 * Runs `src/app/server.ts` as `npm start` would run the build, with only the given variables (plus PATH),
 * working in `cwd` (a temp directory: a developer's own `.env` in the repository never reaches a test).
 */
function runServer(
  env: Record<string, string>,
  cwd: string,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, ['--import', TSX, SERVER], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server process', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-'));
  });
  afterEach(async () => {
    // SIGTERM, not SIGKILL: the server then stops its embedded emulator too.
    const running = started.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'))));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no Cognito configuration: embedded emulator, provisioned pool, banner; a restart reuses the pool; SIGTERM exits 0', async () => {
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), COGNITO_LOCAL_PORT: String(await freePort()) };
    const poolIds: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const server = runServer(env, dataDir);
      await waitFor(() => server.output().includes('App client id:'), 'the start-up banner');
      const banner = server.output();
      expect(banner).to.contain(`Settings:      the environment only (no .env in ${dataDir})`);
      expect(banner).to.contain(`http://localhost:${env.PORT}`);
      expect(banner).to.contain(`EMULATOR (cognito-local) at http://127.0.0.1:${env.COGNITO_LOCAL_PORT}`);
      expect(banner).to.contain('not real Amazon Cognito');
      poolIds.push(/User pool id:\s+(\S+)/.exec(banner)?.[1] as string);

      const page = await fetch(`http://127.0.0.1:${env.PORT}/`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('/auth/login');

      server.child.kill('SIGTERM');
      expect(await server.exited).to.equal(0);
      // The emulator went down with the app.
      await fetch(`http://127.0.0.1:${env.COGNITO_LOCAL_PORT}/health`).then(
        () => expect.fail('the emulator is still running'),
        () => undefined,
      );
    }
    expect(poolIds[0]).to.match(/^local_/);
    expect(poolIds[1]).to.equal(poolIds[0]);
    expect(fs.existsSync(path.join(dataDir, 'sessions.sqlite'))).to.equal(true);
    expect(fs.statSync(path.join(dataDir, 'session-secret')).mode & 0o777).to.equal(0o600);
  });

  it('uses an already running emulator with COGNITO_ENDPOINT (the docker-compose path) and starts none of its own', async () => {
    const { emulator, ids } = testEmulator();
    const port = String(await freePort());
    // APP_BASE_URL as registered for the suite, since provisioning re-applies the client's callback URLs.
    const server = runServer({
      DATA_DIR: dataDir,
      PORT: port,
      COGNITO_ENDPOINT: emulator.url,
      COGNITO_LOCAL_DIR: emulator.dir,
      APP_BASE_URL: TEST_APP_BASE_URL,
    }, dataDir);
    try {
      await waitFor(() => server.output().includes('App client id:'), 'the start-up banner');
      // COGNITO_LOCAL_DIR gives this external emulator an offline mailbox too.
      const mailbox = await fetch(`http://127.0.0.1:${port}/dev/mailbox`);
      expect(mailbox.status).to.equal(200);
      expect(server.output()).to.contain(`EMULATOR (cognito-local) at ${emulator.url}`);
      expect(server.output()).to.contain(ids.userPoolId);
      expect(server.output()).to.not.contain('Emulator log');
      expect(fs.existsSync(path.join(dataDir, 'cognito'))).to.equal(false);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).to.equal(0);
    }
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const { emulator, ids } = testEmulator();
    // A Cognito that answers API calls after 1.5 s: long enough to be in flight when SIGTERM arrives.
    const slow = http.createServer((req, res) => {
      const forward = () =>
        req.pipe(
          http.request(`${emulator.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          }),
        );
      if (req.method === 'POST') setTimeout(forward, 800);
      else forward();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const port = String(await freePort());
    const server = runServer({
      DATA_DIR: dataDir,
      PORT: port,
      COGNITO_ENDPOINT: slowUrl,
      COGNITO_USER_POOL_ID: ids.userPoolId,
      COGNITO_CLIENT_ID: ids.clientId,
      COGNITO_CLIENT_SECRET: ids.clientSecret as string,
      APP_BASE_URL: TEST_APP_BASE_URL,
      SESSION_STORE: 'memory',
    }, dataDir);
    try {
      await waitFor(() => server.output().includes('App client id:'), 'the start-up banner');
      const inFlight = fetch(`http://127.0.0.1:${port}/signup`); // DescribeUserPool goes through the slow proxy
      await new Promise((r) => setTimeout(r, 300));
      server.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).to.equal(200);
      expect(await res.text()).to.contain('name="password"');
      expect(await server.exited).to.equal(0);
      expect(server.output()).to.contain('shutting down');
    } finally {
      server.child.kill('SIGKILL');
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('refuses to start in production with missing settings, naming each, and starts no emulator', async () => {
    const server = runServer({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(await freePort()) }, dataDir);
    expect(await server.exited).to.equal(1);
    const out = server.output();
    for (const name of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_DOMAIN', 'APP_BASE_URL', 'SESSION_SECRET']) {
      expect(out).to.contain(name);
    }
    expect(out).to.not.match(/\n\s+at /);
    expect(fs.existsSync(path.join(dataDir, 'cognito'))).to.equal(false);
  });

  it("reads .env from its working directory, the environment winning, and names it in the banner: the stack's development env file runs real Cognito from http://localhost", async () => {
    const pool = {
      region: 'ap-northeast-1',
      userPoolId: 'ap-northeast-1_AbCdEf123',
      clientId: 'abc123def456',
      domain: 'myapp-signin.auth.ap-northeast-1.amazoncognito.com',
      identityProviders: [],
    };
    const envFile = developmentEnvFile(pool, 'http://localhost:3000')
      .replace('COGNITO_CLIENT_SECRET=\n', 'COGNITO_CLIENT_SECRET=the-secret\n')
      .concat('PORT=3000\n');
    fs.writeFileSync(path.join(dataDir, '.env'), envFile);
    const port = String(await freePort());
    // PORT from the environment beats the file's 3000; DATA_DIR comes from the environment only.
    const server = runServer({ DATA_DIR: dataDir, PORT: port }, dataDir);
    try {
      await waitFor(() => server.output().includes('App client id:'), 'the start-up banner');
      const out = server.output();
      expect(out).to.contain(`Settings:      the environment and ${path.join(dataDir, '.env')}`);
      expect(out).to.contain('Cognito:       Amazon Cognito, ap-northeast-1');
      expect(out).to.contain(`listening on 127.0.0.1:${port}`);
      // Signing in goes to the real Hosted UI domain, which sends people back to localhost.
      const start = await fetch(`http://127.0.0.1:${port}/auth/login`, { redirect: 'manual' });
      const authorize = new URL(start.headers.get('location') as string);
      expect(authorize.origin).to.equal(`https://${pool.domain}`);
      expect(authorize.searchParams.get('redirect_uri')).to.equal('http://localhost:3000/auth/callback');
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).to.equal(0);
    }
  });

  /** A real listener from another "process" (this one) on a free port, as another program would hold it. */
  async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    return {
      port: (holder.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => holder.close(() => resolve())),
    };
  }

  it("names PORT, the port and the address-in-use message when the app's port is taken, and starts no emulator", async () => {
    const held = await occupyPort();
    try {
      const server = runServer({ DATA_DIR: dataDir, PORT: String(held.port), COGNITO_LOCAL_PORT: String(await freePort()) }, dataDir);
      expect(await server.exited).to.equal(1);
      const out = server.output();
      expect(out).to.contain(`PORT=${held.port}: another process is already listening on 127.0.0.1:${held.port}`);
      expect(out).to.contain(`EADDRINUSE: address already in use 127.0.0.1:${held.port}`);
      expect(out).to.contain('choose another port with PORT');
      expect(out).to.not.match(/\n\s+at /);
      expect(fs.existsSync(path.join(dataDir, 'cognito'))).to.equal(false);
    } finally {
      await held.close();
    }
  });

  it("names COGNITO_LOCAL_PORT, the port and the address-in-use message when the emulator's port is taken", async () => {
    const held = await occupyPort();
    try {
      const port = String(await freePort());
      const server = runServer({ DATA_DIR: dataDir, PORT: port, COGNITO_LOCAL_PORT: String(held.port) }, dataDir);
      expect(await server.exited).to.equal(1);
      const out = server.output();
      expect(out).to.contain(`COGNITO_LOCAL_PORT=${held.port}: another process is already listening on 127.0.0.1:${held.port}`);
      expect(out).to.contain(`EADDRINUSE: address already in use 127.0.0.1:${held.port}`);
      expect(out).to.contain('choose another port with COGNITO_LOCAL_PORT');
      expect(out).to.not.contain('cognito-local exited');
      expect(out).to.not.match(/\n\s+at /);
    } finally {
      await held.close();
    }
  });
});
