import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { cognitoAuth, createMemoryStore, requiresAuth, type CognitoAuthOptions } from '../../src/index';
import { startCognitoLocal, type CognitoLocal, type TestUser } from '../../src/testing';

const BASE_URL = 'http://limits.localhost:3000';
const SECRET = 'kit-limits-secret-kit-limits-secret-0123';

/** A host as the kit's docs set one up: `cognito: cognito.options`, nothing about request limits. */
function hostApp(cognito: CognitoOptionsLike, extra: Partial<CognitoAuthOptions> = {}): express.Express {
  const app = express();
  const auth = cognitoAuth({ baseUrl: BASE_URL, mountPath: '/account', cognito, session: { store: createMemoryStore(), secret: SECRET }, ...extra });
  app.use('/account', auth);
  app.use(auth.context());
  app.get('/orders', requiresAuth(), (req, res) => res.send(`orders of ${req.cognito!.user!.email}`));
  return app;
}
type CognitoOptionsLike = CognitoAuthOptions['cognito'];

describe('the test kit and the sign-in pages’ request limits', function () {
  this.timeout(120_000);
  let cognito: CognitoLocal;
  let user: TestUser;

  before(async () => {
    cognito = await startCognitoLocal({ baseUrl: BASE_URL, mountPath: '/account' });
    user = await cognito.createUser();
  });
  after(async () => cognito?.stop());

  it('lets a suite of 100 signed-in tests run on one app (signedInAgent() 100 times)', async () => {
    const app = hostApp(cognito.options);
    for (let batch = 0; batch < 10; batch += 1) {
      const agents = await Promise.all(Array.from({ length: 10 }, () => cognito.signedInAgent(app, user)));
      for (const agent of agents) expect((await agent.get('/orders').expect(200)).text).to.equal(`orders of ${user.email}`);
    }
  });

  it('keeps the relaxed limits when the host spreads the kit’s options into its own', async () => {
    const app = hostApp({ ...cognito.options, timeoutMs: 5000 });
    for (let i = 0; i < 20; i += 1) await cognito.signedInAgent(app, user);
  });

  it('applies a limit the test sets in rateLimits (the others stay relaxed)', async () => {
    const app = hostApp(cognito.options, { rateLimits: { perIpPerMinute: 4 } });
    await cognito.signedInAgent(app, user);
    await cognito.signedInAgent(app, user);
    let refused: unknown;
    try {
      await cognito.signedInAgent(app, user);
    } catch (err) {
      refused = err;
    }
    expect(String(refused)).to.match(/429/);
  });

  it('never relaxes them without the emulator: the kit’s mark on options for real Cognito changes nothing', async () => {
    const real = {
      ...cognito.options,
      endpoint: undefined,
      region: 'ap-northeast-1',
      domain: 'https://example.auth.ap-northeast-1.amazoncognito.com',
    };
    const app = hostApp(real);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await supertest(app).get('/account/login')).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).to.equal(true);
    expect(statuses[30], 'the default 30 a minute').to.equal(429);
  });

  it('never relaxes them for options that only look like the kit’s (the emulator’s URL, no mark)', async () => {
    const { region, userPoolId, clientId, clientSecret, domain, endpoint } = cognito.options;
    const app = hostApp({ region, userPoolId, clientId, clientSecret, domain, endpoint });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await supertest(app).get('/account/login')).status);
    expect(statuses[30]).to.equal(429);
  });
});
