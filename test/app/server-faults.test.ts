import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SHORT_STORE_LIMIT } from '../helpers/app';
import { compiledModule } from '../helpers/compiled-sources';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';
import { freePorts } from '../helpers/ports';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import {
  answers,
  commandOf,
  descendantsOf,
  isRunning,
  ROOT,
  runProcess,
  runServer,
  stopStartedProcesses,
  waitFor,
  waitForBanner,
  within,
} from '../helpers/server-process';
import { createConfirmedUser } from '../helpers/users';

/** A browser of sorts against a running server: keeps its cookies (the session's, the sign-in form's CSRF cookie). */
function browser(base: string) {
  const jar = new Map<string, string>();
  const request = async (pathname: string, init: RequestInit = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(`${base}${pathname}`, {
      ...init,
      redirect: 'manual',
      headers: { 'Accept-Language': 'en', ...(cookie ? { Cookie: cookie } : {}), ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(5000),
    });
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(';')[0] as string;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return {
    get: (pathname: string) => request(pathname),
    /** GETs `page` for its CSRF token, then posts `fields` to `action` as its form would. */
    async submit(page: string, action: string, fields: Record<string, string>) {
      const form = await request(page);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
      expect(csrf, `a CSRF token on ${page} (${form.status})`).to.be.a('string');
      return request(action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, _csrf: csrf as string }).toString(),
      });
    },
  };
}

/** /readyz's answer. */
async function readiness(base: string): Promise<{ status: number; body: { failing: string[]; checks: Record<string, unknown> } }> {
  const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as { failing: string[]; checks: Record<string, unknown> } };
}

describe('server process: faults around it', function () {
  this.timeout(90_000);
  let dataDir: string;
  const redisServers: TestRedis[] = [];
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-faults-'));
  });
  afterEach(async () => {
    await stopStartedProcesses();
    await Promise.all(redisServers.splice(0).map((r) => r.destroy()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The server on the suite's emulator (COGNITO_ENDPOINT: quick to start), with `env` on top. */
  function serverOnSuiteEmulator(port: number, env: Record<string, string>) {
    const { emulator, ids } = testEmulator();
    return runServer(
      {
        DATA_DIR: dataDir,
        PORT: String(port),
        COGNITO_ENDPOINT: emulator.url,
        COGNITO_USER_POOL_ID: ids.userPoolId,
        COGNITO_CLIENT_ID: ids.clientId,
        COGNITO_CLIENT_SECRET: ids.clientSecret as string,
        APP_BASE_URL: TEST_APP_BASE_URL,
        ...env,
      },
      dataDir,
    );
  }

  it('keeps running while Redis is unreachable from the start (503 pages and /readyz within 5 s), serves fully once Redis comes up, and lives through Redis killed and paused', async () => {
    const [port, redisPort] = await freePorts(2);
    const base = `http://127.0.0.1:${port}`;
    const server = serverOnSuiteEmulator(port, { SESSION_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${redisPort}`, ...SHORT_STORE_LIMIT });
    await waitForBanner(server);
    expect(server.output()).to.contain(`redis (127.0.0.1:${redisPort}): not reachable yet (REDIS_URL)`);

    // What a visitor and a load balancer see meanwhile; each answer comes within 5 s (the fetch's limit).
    const visitor = browser(base);
    const ready = await readiness(base);
    expect(ready.status).to.equal(503);
    expect(ready.body.failing).to.deep.equal(['sessionStore']);
    for (const page of ['/login', '/signup', '/login/hosted', '/password/reset']) {
      const res = await visitor.get(page);
      expect(res.status, page).to.equal(503);
      expect(res.text, page).to.contain('Sessions are unavailable for a moment');
    }
    expect((await visitor.get('/')).status, 'a page without a session').to.equal(200);
    // Redis's client and the rate-limit scripts failed meanwhile; the process is still there.
    expect((await visitor.get('/healthz')).status).to.equal(200);

    const redis = await startTestRedis({ port: redisPort });
    redisServers.push(redis);
    await waitFor(async () => (await readiness(base)).status === 200, '/readyz 200 once Redis is up');
    const user = await createConfirmedUser();
    const signIn = await visitor.submit('/login', '/login', { email: user.email, password: user.password });
    expect(signIn.status, signIn.text).to.equal(303);
    expect((await visitor.get('/complete')).text).to.contain(user.email);

    // Killed and started again: 503 meanwhile, the same session after.
    await redis.stop();
    try {
      expect((await visitor.get('/complete')).status).to.equal(503);
      expect((await readiness(base)).body.failing).to.include('sessionStore');
    } finally {
      await redis.start();
    }
    await waitFor(async () => (await visitor.get('/complete')).status === 200, 'the session back after Redis restarted');

    // Paused (a hung Redis: connections open, no answers), then resumed.
    redis.pause();
    try {
      const [hung, ready] = await Promise.all([visitor.get('/complete'), readiness(base)]);
      expect(hung.status).to.equal(503);
      expect(ready.status).to.equal(503);
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await visitor.get('/complete')).status === 200, 'the session back after Redis resumed');
    expect((await visitor.get('/complete')).text).to.contain(user.email);

    server.child.kill('SIGTERM');
    expect(await within(server.exited, 15_000, 'exit after SIGTERM'), server.output()).to.equal(0);
  });

  it('stays up when its embedded emulator is killed: sign-in answers 503, /readyz names the emulator, SIGTERM still exits 0', async () => {
    const [port, emulatorPort] = await freePorts(2);
    const base = `http://127.0.0.1:${port}`;
    const server = runServer({ DATA_DIR: dataDir, PORT: String(port), COGNITO_LOCAL_PORT: String(emulatorPort), SESSION_STORE: 'memory' }, dataDir);
    await waitForBanner(server);
    expect((await readiness(base)).status).to.equal(200);

    // The emulator is the process listening on COGNITO_LOCAL_PORT, somewhere below the server.
    const emulatorPids = descendantsOf(server.child.pid as number);
    expect(emulatorPids, 'the embedded emulator runs as a process of its own').to.have.length.above(0);
    for (const pid of emulatorPids) process.kill(pid, 'SIGKILL');
    await waitFor(async () => !(await answers(`http://127.0.0.1:${emulatorPort}/health`)), 'the emulator gone');

    const ready = await readiness(base);
    expect(ready.status).to.equal(503);
    expect(ready.body.failing).to.include('emulator');
    expect(ready.body.checks.emulator).to.equal('failing');
    const visitor = browser(base);
    const signIn = await visitor.submit('/login', '/login', { email: 'someone@example.com', password: 'Passw0rd!Test' });
    expect(signIn.status).to.equal(503);
    expect(signIn.text).to.contain('Cognito could not be reached');
    expect((await visitor.get('/healthz')).status).to.equal(200);
    expect(server.child.exitCode, 'the app is still running').to.equal(null);

    server.child.kill('SIGTERM');
    expect(await within(server.exited, 15_000, 'exit after SIGTERM'), server.output()).to.equal(0);
  });

  it('SIGTERM to `npm start` (the README command) leaves no server and no emulator running', async () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    // A package with the repository's own start scripts, whose "build" is already done: its dist/app/server.js
    // runs the run's compiled src/app/server.ts (the suite does not build).
    const pkg = path.join(dataDir, 'pkg');
    fs.mkdirSync(path.join(pkg, 'dist', 'app'), { recursive: true });
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'start-check',
        version: '1.0.0',
        private: true,
        scripts: { build: 'node -e 0', prestart: scripts.prestart, start: scripts.start },
      }),
    );
    fs.writeFileSync(path.join(pkg, 'dist', 'app', 'server.js'), `require(${JSON.stringify(compiledModule('app/server'))});\n`);
    const [port, emulatorPort] = await freePorts(2);
    const npm = runProcess(
      'npm',
      ['start'],
      {
        HOME: dataDir,
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        DATA_DIR: path.join(dataDir, 'data'),
        PORT: String(port),
        COGNITO_LOCAL_PORT: String(emulatorPort),
      },
      pkg,
    );
    await waitForBanner(npm);
    const below = descendantsOf(npm.child.pid as number);
    expect(below.length, 'npm, the server and its emulator').to.be.greaterThan(1);
    const commands = new Map(below.map((pid) => [pid, commandOf(pid)]));
    try {
      npm.child.kill('SIGTERM');
      await within(npm.exited, 15_000, 'npm exits');
      await waitFor(() => below.every((pid) => !isRunning(pid)), 'every process npm started to end', 15_000);
      expect(await answers(`http://127.0.0.1:${port}/healthz`), 'the app').to.equal(false);
      expect(await answers(`http://127.0.0.1:${emulatorPort}/health`), 'the emulator').to.equal(false);
      expect(npm.output()).to.contain('shutting down');
    } finally {
      // What npm left behind (the failure this test is about) would keep the output pipes, and mocha, open.
      // Only while the id still names the same program: ids are reused.
      for (const pid of below.filter((p) => isRunning(p) && commandOf(p) === commands.get(p))) process.kill(pid, 'SIGKILL');
    }
  });

  it('on a better-sqlite3 built for another Node.js, prints the command that fixes it and starts no emulator (module loader: double)', async () => {
    // Node's own message for such a module, raised where better-sqlite3 loads its native part.
    const preload = path.join(dataDir, 'other-node-sqlite.js');
    const nativeModule = path.join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    fs.writeFileSync(
      preload,
      `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'better-sqlite3') {
    return function Database() {
      const err = new Error(${JSON.stringify(`The module '${nativeModule}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`)});
      err.code = 'ERR_DLOPEN_FAILED';
      throw err;
    };
  }
  return load.call(this, request, ...rest);
};
`,
    );
    const [port, emulatorPort] = await freePorts(2);
    const server = runServer({ DATA_DIR: dataDir, PORT: String(port), COGNITO_LOCAL_PORT: String(emulatorPort) }, dataDir, [preload]);
    expect(await within(server.exited, 20_000, 'the refusal')).to.equal(1);
    const out = server.output();
    expect(out).to.contain('better-sqlite3');
    expect(out).to.contain('Node.js 20 (NODE_MODULE_VERSION 115)');
    expect(out).to.match(/^ {4}npm rebuild better-sqlite3$/m);
    expect(out).to.contain(`in ${ROOT}`);
    expect(out).to.not.contain('npm install better-sqlite3');
    expect(fs.existsSync(path.join(dataDir, 'cognito')), 'no emulator started').to.equal(false);
  });
});
