import { expect } from 'chai';
import pino from 'pino';
import { createEmulatorCheck } from '../../src/app/health';
import { createSessionStore } from '../../src/app/session-store';
import { createCognitoClient } from '../../src/cognito/client';
import { createMemoryStore, type SessionStoreHandle } from '../../src/sessions';
import { buildTestApp, resolveCognitoSettings, testConfig } from '../helpers/app';
import { testEmulator } from '../helpers/emulator';
import { REFUSED_PORT } from '../helpers/ports';

/** What /readyz answers. */
type Readiness = { status: string; checks: Record<string, unknown>; failing: string[] };

describe('GET /healthz and /readyz', () => {
  const opened: SessionStoreHandle[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((handle) => handle.close()));
  });

  /** A Redis session store as server.ts opens it, at a port where nothing listens: it never answers. */
  function unreachableRedisStore(): SessionStoreHandle {
    const config = testConfig({ SESSION_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${REFUSED_PORT}`, SESSION_STORE_TIMEOUT_MS: '500' });
    const handle = createSessionStore(config, pino({ level: 'silent' }));
    opened.push(handle);
    return handle;
  }

  /** The suite's emulator and a memory store: everything /readyz checks answers. */
  function healthyApp() {
    const sessions = createMemoryStore();
    return buildTestApp({ sessions, readiness: { sessionStore: sessions.ping, emulator: createEmulatorCheck(testEmulator().emulator.url) } });
  }

  it('healthz: 200 while the process lives, even with the session store down, with no session and no log line', async () => {
    const sessions = unreachableRedisStore();
    const t = buildTestApp({ sessions, readiness: { sessionStore: sessions.ping } });
    const res = await t.agent().get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(t.logs.join('')).to.not.contain('/healthz');
  });

  it('readyz: 200 when the session store, the JWKS and the emulator all answer', async () => {
    const res = await healthyApp().agent().get('/readyz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ready', checks: { sessionStore: 'ok', jwks: 'ok', emulator: 'ok', draining: false }, failing: [] });
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('readyz: 503 naming the session store when it does not answer', async () => {
    const sessions = unreachableRedisStore();
    const res = await buildTestApp({ sessions, readiness: { sessionStore: sessions.ping } })
      .agent()
      .get('/readyz')
      .expect(503);
    expect(res.body).to.deep.include({ status: 'not ready', failing: ['sessionStore'] });
    expect((res.body as Readiness).checks.sessionStore).to.equal('failing');
  });

  it('readyz: 503 naming the JWKS when it cannot be fetched', async () => {
    const { emulator, ids } = testEmulator();
    const base = buildTestApp();
    const nowhere = `http://127.0.0.1:${REFUSED_PORT}`;
    const settings = { ...resolveCognitoSettings(base.config, ids, emulator.url), jwksUri: `${nowhere}/jwks.json`, timeoutMs: 500 };
    const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 500 });
    const res = await buildTestApp({ cognito: { settings, client } }).agent().get('/readyz').expect(503);
    expect((res.body as Readiness).checks.jwks).to.equal('failing');
    expect((res.body as Readiness).failing).to.deep.equal(['jwks']);
  });

  it('readyz: 503 naming the emulator when it does not answer (stopped, killed or crashed)', async () => {
    const sessions = createMemoryStore();
    const nowhere = `http://127.0.0.1:${REFUSED_PORT}`;
    const t = buildTestApp({ sessions, readiness: { sessionStore: sessions.ping, emulator: createEmulatorCheck(nowhere) } });
    const res = await t.agent().get('/readyz').expect(503);
    expect(res.body).to.deep.equal({
      status: 'not ready',
      checks: { sessionStore: 'ok', jwks: 'ok', emulator: 'failing', draining: false },
      failing: ['emulator'],
    });
  });

  it('readyz: 503 naming draining once shutdown has begun (draining flag: double)', async () => {
    const sessions = createMemoryStore();
    const t = buildTestApp({ sessions, readiness: { sessionStore: sessions.ping, draining: () => true } });
    const res = await t.agent().get('/readyz').expect(503);
    expect((res.body as Readiness).checks.draining).to.equal(true);
    expect((res.body as Readiness).failing).to.deep.equal(['draining']);
  });
});
