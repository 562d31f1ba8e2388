import { expect } from 'chai';
import type express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { submit } from '../helpers/forms';
import { buildHostApp, HOST_SECRET } from '../helpers/host-apps';
import { createConfirmedUser } from '../helpers/users';

/**
 * Express 4 does not catch a rejected promise: every failure on the package's async paths must reach the
 * host's error handler through `next(err)` (an unhandled rejection fails the run: see the root hook).
 */
describe('failures on Express 4 reach the host’s error handler', () => {
  it('auth.render() of a template that is not there', async () => {
    const { app } = buildHostApp({
      express: 4,
      mounting: 'path',
      at: '/account',
      mountPath: '/account',
      routes: (host, auth) =>
        host.get('/broken-page', (req: express.Request, res: express.Response) => auth.render(req, res, '/nowhere/missing.ejs')),
    });
    const res = await supertest(app).get('/broken-page').expect(500);
    expect((res.body as { message: string }).message).to.contain('missing.ejs');
  });

  it('a session store that fails while req.cognito is put on a host page', async () => {
    const store = new session.MemoryStore();
    const { app } = buildHostApp({
      express: 4,
      mounting: 'path',
      at: '/account',
      mountPath: '/account',
      options: { session: { store, secret: HOST_SECRET } },
    });
    const agent = supertest.agent(app);
    const user = await createConfirmedUser();
    expect((await submit(agent, '/account/login', '/account/login', user)).status).to.equal(303);
    store.get = (_sid, cb) => cb(new Error('store down'));
    const res = await agent.get('/who').expect(500);
    expect((res.body as { code: string }).code).to.equal('session_store_unavailable');
  });
});
