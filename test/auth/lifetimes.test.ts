import { expect } from 'chai';
import supertest from 'supertest';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { submit } from '../helpers/forms';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const MINUTE = 60_000;

/** A clock the test moves by hand. */
function manualClock() {
  let now = Date.now();
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('session lifetimes (controllable clock)', () => {
  const env = { SESSION_IDLE_TIMEOUT_SECONDS: String(30 * 60), SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(2 * 60 * 60) };

  async function signedIn(clock: () => number) {
    const t = buildTestApp({ env, clock });
    const user = await createConfirmedUser();
    const agent = t.agent();
    const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    expect(res.status).to.equal(303);
    return { t, agent, user, cookie: sidOf(res)! };
  }

  it('ends a session left idle longer than the idle timeout, on the server, and asks to sign in again', async () => {
    const time = manualClock();
    const { t, agent, cookie } = await signedIn(time.clock);
    time.advance(29 * MINUTE);
    await agent.get('/password/change').expect(200);
    time.advance(31 * MINUTE);
    const res = await agent.get('/password/change').expect(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fpassword%2Fchange&notice=session_expired');
    const page = await agent.get(res.headers.location as string).set('Accept-Language', 'en');
    expect(page.text).to.contain('Your session has expired');
    // Even back in time, the old cookie opens nothing: its session is gone from the store.
    time.advance(-60 * MINUTE);
    expect(await storedSession(t.sessionStore, sessionIdOf(cookie))).to.equal(null);
    await supertest(t.app).get('/password/change').set('Cookie', cookie).expect(303);
  });

  it('keeps an active session alive past the idle timeout (rolling)', async () => {
    const time = manualClock();
    const { agent } = await signedIn(time.clock);
    for (let i = 0; i < 4; i += 1) {
      time.advance(20 * MINUTE);
      await agent.get('/password/change').expect(200);
    }
  });

  it('ends even an active session at the absolute timeout', async () => {
    const time = manualClock();
    const { agent } = await signedIn(time.clock);
    for (let i = 0; i < 5; i += 1) {
      time.advance(20 * MINUTE);
      await agent.get('/password/change').expect(200);
    }
    time.advance(21 * MINUTE); // 2 h 1 min after sign-in
    await agent.get('/password/change').expect(303);
  });
});
