import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import expressPackage from 'express/package.json';
import supertest from 'supertest';
import type { CognitoOptions } from '../../src/index';
import { startCognitoLocal } from '../../src/testing';
import { REFUSED_PORT } from '../helpers/ports';
import { csrfOf } from '../helpers/forms';
import { buildHostApp, HOST_BASE_URL } from './host-app';

/** The Express this run's host apps and the package use: 5, or 4 under `npm run test:express4`. */
const EXPRESS_MAJOR = Number(expressPackage.version.split('.')[0]);

/** Emulator settings whose every endpoint is a port nothing listens on. */
function deadEmulator(): CognitoOptions {
  const url = `http://127.0.0.1:${REFUSED_PORT}`;
  return {
    region: 'local',
    userPoolId: 'local_Dead0001',
    clientId: 'deadclient',
    clientSecret: 'dead-secret',
    domain: url,
    endpoint: url,
    timeoutMs: 500,
  };
}

/** An HTTP server standing in for the emulator's origin, counting the requests it answers (404 to each). */
async function countingOrigin(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = http.createServer((_req, res) => {
    count += 1;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(`a host app whose Cognito cannot be reached (Express ${EXPRESS_MAJOR})`, () => {
  it('answers a page whose handler fails while waiting for Cognito with the 503 page, and the process keeps serving', async () => {
    const { app } = buildHostApp({ options: deadEmulator() });
    const agent = supertest.agent(app);
    // GET /signup asks Cognito for the password policy first.
    const signup = await agent.get('/account/signup').set('Accept-Language', 'en');
    expect(signup.status).to.equal(503);
    expect(signup.text).to.contain('Cognito could not be reached');
    // POST /password/forgot fails at ForgotPassword, after its form was checked.
    const form = await agent.get('/account/password/forgot').expect(200);
    const forgot = await agent
      .post('/account/password/forgot')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: 'someone@example.com' });
    expect(forgot.status).to.equal(503);
    expect(forgot.text).to.contain('Cognito could not be reached');
    expect((await agent.get('/').expect(200)).text).to.equal('shop home');
  });

  it('answers a signed-in page (the profile) with the 503 page while Cognito is down, and the sign-in stays', async function () {
    this.timeout(30_000);
    const cognito = await startCognitoLocal({ baseUrl: HOST_BASE_URL, mountPath: '/account' });
    let running = true;
    try {
      const user = await cognito.createUser();
      const { app } = buildHostApp({ options: { ...cognito.options, timeoutMs: 500 } });
      const agent = await cognito.signedInAgent(app, user);
      await cognito.stop();
      running = false;
      const profile = await agent.get('/account/profile').set('Accept-Language', 'en');
      expect(profile.status).to.equal(503);
      expect(profile.text).to.contain('Cognito could not be reached');
      expect(((await agent.get('/whoami').expect(200)).body as { cognito: string | null }).cognito).to.equal(user.email);
    } finally {
      if (running) await cognito.stop();
    }
  });

  describe('GET /account/login/hosted', () => {
    it('shows the 503 page when the emulator does not answer, instead of sending the browser to a connection error', async () => {
      const { app } = buildHostApp({ options: deadEmulator() });
      const res = await supertest(app).get('/account/login/hosted').set('Accept-Language', 'en');
      expect(res.status).to.equal(503);
      expect(res.headers.location).to.equal(undefined);
      expect(res.text).to.contain('Cognito could not be reached');
    });

    it('asks the emulator once for a burst of sign-in starts, and redirects to it while it answers', async () => {
      const origin = await countingOrigin();
      try {
        const options = { ...deadEmulator(), domain: origin.url, endpoint: origin.url };
        const { app } = buildHostApp({ options });
        for (let i = 0; i < 3; i += 1) {
          const res = await supertest(app).get('/account/login/hosted').expect(302);
          expect(res.headers.location).to.match(new RegExp(`^${origin.url}/oauth2/authorize\\?`));
        }
        expect(origin.requests()).to.equal(1);
      } finally {
        await origin.close();
      }
    });

    it('never probes real Cognito: the browser goes to its authorize endpoint straight away', async () => {
      const dead = deadEmulator();
      const { app } = buildHostApp(
        {
          options: {
            region: 'ap-northeast-1',
            userPoolId: 'ap-northeast-1_Dead0001',
            clientId: 'deadclient',
            clientSecret: 'dead-secret',
            domain: dead.domain,
          },
        },
        { baseUrl: HOST_BASE_URL },
      );
      const res = await supertest(app).get('/account/login/hosted').expect(302);
      expect(res.headers.location).to.match(new RegExp(`^${dead.domain}/oauth2/authorize\\?`));
    });
  });
});
