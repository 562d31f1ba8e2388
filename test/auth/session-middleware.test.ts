import { expect } from 'chai';
import supertest from 'supertest';
import type { LoggerLike } from '../../src/index';
import { submit } from '../helpers/forms';
import { buildHostApp } from '../helpers/host-apps';
import { createConfirmedUser } from '../helpers/users';

describe('the session middleware hands what throws to next()', () => {
  for (const version of [5, 4] as const) {
    it(`answers a throw in the session's lifetime check (a host logger that throws, double) with the error page, on Express ${version}`, async () => {
      let now = Date.now();
      const throwing: LoggerLike = {
        debug() {},
        warn() {},
        error() {},
        info(_obj, msg) {
          if (msg === 'session expired') throw new Error('the host’s logger broke');
        },
      };
      const { app } = buildHostApp({ express: version, mounting: 'root', at: '/account', options: { logger: throwing, clock: () => now } });
      const agent = supertest.agent(app);
      const user = await createConfirmedUser();
      expect((await submit(agent, '/account/login', '/account/login', user)).status).to.equal(303);
      now += 3 * 60 * 60 * 1000;
      // The check runs in express-session's store callback, where Express catches nothing.
      const res = await agent.get('/account/profile');
      expect(res.status).to.equal(500);
      expect(res.text).to.contain('data-code="internal"');
    });
  }
});
