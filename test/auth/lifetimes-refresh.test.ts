import { expect } from 'chai';
import session from 'express-session';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { submit } from '../helpers/forms';
import { sessionIdOf, storedSession } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A memory store that counts what it is asked to write (`set` and `touch`). */
function countingStore() {
  const store = new session.MemoryStore();
  const writes: string[] = [];
  const raw = { set: store.set.bind(store), touch: store.touch.bind(store) };
  store.set = (sid, sess, cb) => (writes.push('set'), raw.set(sid, sess, cb));
  store.touch = (sid, sess, cb) => (writes.push('touch'), raw.touch(sid, sess, cb));
  return { store, writes, raw };
}

/** A clock the test moves by hand. */
function manualClock() {
  let now = Date.now();
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

/** Milliseconds from now until the `Expires` of a Set-Cookie line. */
function cookieLifetime(setCookie: string): number {
  const expires = /Expires=([^;]+)/.exec(setCookie)?.[1];
  expect(expires, 'the cookie has an expiry').to.be.a('string');
  return new Date(expires as string).getTime() - Date.now();
}

describe('a session in use is stored again at most once a minute (store writes counted)', () => {
  it('a busy signed-in session is written and its cookie re-sent at most once a minute, yet it outlives the idle timeout while in use (controllable clock)', async () => {
    const time = manualClock();
    const { store, writes } = countingStore();
    const env = { SESSION_IDLE_TIMEOUT_SECONDS: String(30 * 60), SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(12 * 60 * 60) };
    const t = buildTestApp({ env, clock: time.clock, sessionStore: store });
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', { email: user.email, password: user.password })).status).to.equal(303);
    await agent.get('/complete').expect(200);
    writes.length = 0;
    const cookies: string[] = [];
    // 40 minutes, past the 30-minute idle timeout, with a request every 20 seconds.
    for (let i = 0; i < 120; i += 1) {
      time.advance(20 * SECOND);
      const res = await agent.get('/complete').expect(200);
      expect(res.text).to.contain(user.email);
      const cookie = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('sid='));
      if (cookie) cookies.push(cookie);
    }
    expect(writes, 'one write a minute').to.have.length(40);
    expect(cookies, 'the cookie re-sent once a minute').to.have.length(40);
    expect(cookieLifetime(cookies.at(-1) as string), 'the browser keeps it the idle lifetime').to.be.within(29 * MINUTE, 30 * MINUTE + 5 * SECOND);

    time.advance(29 * MINUTE);
    await agent.get('/complete').expect(200);
    time.advance(31 * MINUTE); // the idle timeout still holds on the server
    const res = await agent.get('/password/change').expect(303);
    expect(res.headers.location).to.equal('/login?returnTo=%2Fpassword%2Fchange&notice=session_expired');
  });

  it('an anonymous visitor’s session in use is stored again once its stored copy is a minute old, and lives ten minutes past its last use', async () => {
    const { store, writes, raw } = countingStore();
    const t = buildTestApp({ sessionStore: store });
    const agent = t.agent();
    const first = await agent.get('/login/hosted').expect(302); // a Hosted UI sign-in started: a session
    const cookie = sidOf(first) as string;
    expect(cookie).to.be.a('string');
    writes.length = 0;
    for (let i = 0; i < 5; i += 1) {
      const res = await agent.get('/login').expect(200);
      expect(sidOf(res), 'no cookie re-sent within the minute').to.equal(undefined);
    }
    expect(writes, 'no write within the minute').to.deep.equal([]);

    // The stored copy as if written two minutes ago.
    const sid = sessionIdOf(cookie);
    const stored = (await storedSession(store, sid))!;
    const aged = { ...stored, cookie: { ...stored.cookie, expires: new Date(Date.now() + 8 * MINUTE) } } as session.SessionData;
    await new Promise<void>((resolve, reject) => raw.set(sid, aged, (err) => (err ? reject(err) : resolve())));
    const res = await agent.get('/login').expect(200);
    expect(writes).to.deep.equal(['set']);
    const resent = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('sid='));
    expect(cookieLifetime(resent as string), 'the cookie re-sent for ten minutes').to.be.within(9 * MINUTE, 10 * MINUTE + 5 * SECOND);
    const expires = new Date((await storedSession(store, sid))!.cookie.expires as unknown as string).getTime();
    expect(expires - Date.now(), 'stored for ten minutes again').to.be.within(9 * MINUTE, 10 * MINUTE + 5 * SECOND);
  });
});
