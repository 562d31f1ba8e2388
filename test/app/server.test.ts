import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { developmentEnvFile } from '../../infra/lib/env-files';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';
import { freePort, freePorts } from '../helpers/ports';
import { runServer, stopStartedProcesses, waitFor, waitForBanner, within } from '../helpers/server-process';

/** Whether this Node.js is one the AWS SDK warns about (its NodeVersionSupportWarning names node >=22). */
const SDK_WARNS = Number(process.versions.node.split('.')[0]) < 22;

describe('server process', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-'));
  });
  afterEach(async () => {
    await stopStartedProcesses();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no Cognito configuration: embedded emulator, provisioned pool, banner; a restart reuses the pool; SIGTERM exits 0', async () => {
    const [appPort, emulatorPort] = await freePorts(2);
    const env = { DATA_DIR: dataDir, PORT: String(appPort), COGNITO_LOCAL_PORT: String(emulatorPort) };
    const poolIds: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const server = runServer(env, dataDir);
      await waitForBanner(server);
      const banner = server.output();
      expect(banner).to.contain(`Settings:      the environment only (no .env in ${dataDir})`);
      expect(banner).to.contain(`http://localhost:${env.PORT}`);
      expect(banner).to.contain(`EMULATOR (cognito-local) at http://127.0.0.1:${env.COGNITO_LOCAL_PORT}`);
      expect(banner).to.contain('not real Amazon Cognito');
      expect(banner).to.contain('Mode:          development (NODE_ENV unset)');
      // The AWS SDK's eight-line notice about Node.js support: once, in one line, in the banner.
      expect(banner).to.not.contain('To continue receiving updates');
      const sdkLines = banner.split('\n').filter((line) => line.includes('AWS SDK'));
      expect(sdkLines, sdkLines.join('\n')).to.have.length(SDK_WARNS ? 1 : 0);
      if (SDK_WARNS)
        expect(sdkLines[0]).to.match(/^ {2}Node\.js: +v\d+\.\d+\.\d+: The AWS SDK for JavaScript \(v3\) .*node >=\d+ \(https:\/\/\S+\)$/);
      poolIds.push(/User pool id:\s+(\S+)/.exec(banner)?.[1] as string);

      const page = await fetch(`http://127.0.0.1:${env.PORT}/`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('/login/hosted');

      server.child.kill('SIGTERM');
      expect(await server.exited, server.output()).to.equal(0);
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
    const server = runServer(
      {
        DATA_DIR: dataDir,
        PORT: port,
        COGNITO_ENDPOINT: emulator.url,
        COGNITO_LOCAL_DIR: emulator.dir,
        APP_BASE_URL: TEST_APP_BASE_URL,
      },
      dataDir,
    );
    // A failed assertion leaves the process to afterEach, which stops it: a `finally` here would hide the failure.
    await waitForBanner(server);
    // COGNITO_LOCAL_DIR gives this external emulator an offline mailbox too.
    const mailbox = await fetch(`http://127.0.0.1:${port}/dev/mailbox`);
    expect(mailbox.status).to.equal(200);
    expect(server.output()).to.contain(`EMULATOR (cognito-local) at ${emulator.url}`);
    expect(server.output()).to.contain(ids.userPoolId);
    expect(server.output()).to.not.contain('Emulator log');
    expect(fs.existsSync(path.join(dataDir, 'cognito'))).to.equal(false);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).to.equal(0);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const { emulator, ids } = testEmulator();
    // A Cognito whose API calls wait until the test lets them through: in flight when SIGTERM arrives.
    let arrived!: () => void;
    const callArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = http.createServer((req, res) => {
      const forward = () =>
        req.pipe(
          http.request(`${emulator.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          }),
        );
      if (req.method !== 'POST') return forward();
      arrived();
      void released.then(forward);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const port = String(await freePort());
    const server = runServer(
      {
        DATA_DIR: dataDir,
        PORT: port,
        COGNITO_ENDPOINT: slowUrl,
        COGNITO_USER_POOL_ID: ids.userPoolId,
        COGNITO_CLIENT_ID: ids.clientId,
        COGNITO_CLIENT_SECRET: ids.clientSecret as string,
        APP_BASE_URL: TEST_APP_BASE_URL,
        SESSION_STORE: 'memory',
      },
      dataDir,
    );
    try {
      await waitForBanner(server);
      const inFlight = fetch(`http://127.0.0.1:${port}/signup`); // DescribeUserPool goes through the slow proxy
      await callArrived;
      server.child.kill('SIGTERM');
      await waitFor(() => server.output().includes('shutting down'), 'the server to start shutting down');
      release();
      const res = await inFlight;
      expect(res.status).to.equal(200);
      expect(await res.text()).to.contain('name="password"');
      // It ends its connection, so the server need not wait out the keep-alive timeout before it exits.
      expect(res.headers.get('connection')).to.equal('close');
      expect(await server.exited, server.output()).to.equal(0);
    } finally {
      release();
      server.child.kill('SIGKILL');
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('refuses to start in production with missing settings, naming each, and starts no emulator', async () => {
    const server = runServer({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(await freePort()) }, dataDir);
    expect(await server.exited).to.equal(1);
    const out = server.output();
    for (const name of [
      'COGNITO_REGION',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'COGNITO_CLIENT_SECRET',
      'COGNITO_DOMAIN',
      'APP_BASE_URL',
      'SESSION_SECRET',
    ]) {
      expect(out).to.contain(name);
    }
    expect(out).to.not.match(/\n\s+at /);
    expect(fs.existsSync(path.join(dataDir, 'cognito'))).to.equal(false);
  });

  it('refuses the development set-up on an https APP_BASE_URL with NODE_ENV unset: no emulator, no mailbox, and says how to ask for it', async () => {
    const server = runServer({ APP_BASE_URL: 'https://app.example.com', DATA_DIR: dataDir, PORT: String(await freePort()) }, dataDir);
    expect(await within(server.exited, 20_000, 'the refusal')).to.equal(1);
    const out = server.output();
    expect(out).to.contain('SESSION_SECRET: required');
    expect(out).to.contain('COGNITO_USER_POOL_ID: required to use real Amazon Cognito');
    expect(out).to.contain('set NODE_ENV=development to run the development set-up on https on purpose');
    expect(fs.existsSync(path.join(dataDir, 'cognito')), 'no emulator started').to.equal(false);
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
    const out = await waitForBanner(server);
    expect(out).to.contain(`Settings:      the environment and ${path.join(dataDir, '.env')}`);
    expect(out).to.contain('Cognito:       Amazon Cognito, ap-northeast-1');
    expect(out).to.contain(`listening on 127.0.0.1:${port}`);
    // Signing in goes to the real Hosted UI domain, which sends people back to localhost.
    const start = await fetch(`http://127.0.0.1:${port}/login/hosted`, { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location') as string);
    expect(authorize.origin).to.equal(`https://${pool.domain}`);
    expect(authorize.searchParams.get('redirect_uri')).to.equal('http://localhost:3000/callback');
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).to.equal(0);
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
