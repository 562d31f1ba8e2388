import { expect } from 'chai';
import { createCognitoClient } from '../../src/cognito/client';
import { buildTestApp, resolveCognitoSettings } from '../helpers/app';
import { testEmulator } from '../helpers/emulator';
import { freePort } from '../helpers/ports';

describe('GET /healthz and /readyz', () => {
  it('healthz: 200 while the process lives, with no session and no log line', async () => {
    const t = buildTestApp({ readiness: { sessionStore: async () => false } });
    const res = await t.agent().get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(t.logs.join('')).to.not.contain('/healthz');
  });

  it('readyz: 200 when the session store answers and the JWKS can be fetched', async () => {
    const res = await buildTestApp({ readiness: { sessionStore: async () => true } }).agent().get('/readyz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ready', checks: { sessionStore: 'ok', jwks: 'ok', draining: false } });
  });

  it('readyz: 503 when the session store does not answer', async () => {
    const res = await buildTestApp({ readiness: { sessionStore: async () => false } }).agent().get('/readyz').expect(503);
    expect(res.body.checks.sessionStore).to.equal('failing');
  });

  it('readyz: 503 when the JWKS cannot be fetched', async () => {
    const { emulator, ids } = testEmulator();
    const base = buildTestApp();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const settings = { ...resolveCognitoSettings(base.config, ids, emulator.url), jwksUri: `${nowhere}/jwks.json`, timeoutMs: 500 };
    const client = createCognitoClient({ region: 'local', endpoint: emulator.url, timeoutMs: 500 });
    const res = await buildTestApp({ cognito: { settings, client } }).agent().get('/readyz').expect(503);
    expect(res.body.checks.jwks).to.equal('failing');
  });

  it('readyz: 503 while draining for shutdown', async () => {
    const res = await buildTestApp({ readiness: { sessionStore: async () => true, draining: () => true } }).agent().get('/readyz').expect(503);
    expect(res.body.checks.draining).to.equal(true);
  });
});
