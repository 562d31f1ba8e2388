import { expect } from 'chai';
import session from 'express-session';
import { isSignedInSession } from '../../src/auth/session-state';
import { sessionKeyOf } from '../../src/auth/session-user';
import type { SessionStoreHandle } from '../../src/sessions';
import { IndexedSessionStore } from '../../src/sessions/indexed-store';
import { createMemoryUserSessionIndex, type UserSessionIndex } from '../../src/sessions/user-sessions';
import { buildTestApp } from '../helpers/app';
import { sidOf } from '../helpers/cookies';
import { submit } from '../helpers/forms';
import { sessionIdOf, storedSession, storedSessions } from '../helpers/sessions';
import { createConfirmedUser } from '../helpers/users';

/** A session as express-session hands it to the store: signed in at a router or not. */
function sessionData(signedIn: boolean): session.SessionData {
  const user = { sub: 'sub-1', username: 'user-1', email: 'a@example.com', provider: 'password' };
  const state = { issuer: 'https://issuer.example', clientId: 'client1', ...(signedIn ? { user } : {}) };
  return { cookie: new session.Cookie(), [sessionKeyOf(state.issuer, state.clientId)]: state };
}

function write(store: session.Store, sid: string, data: session.SessionData): Promise<unknown> {
  return new Promise((resolve) => store.set(sid, data, (err) => resolve(err)));
}

/** A memory store handle with `index` as its per-user index. */
function handleWith(store: session.Store, index: UserSessionIndex): SessionStoreHandle {
  return { store, userSessions: index, ready: Promise.resolve(), ping: () => Promise.resolve(true), close: () => Promise.resolve() };
}

describe('IndexedSessionStore', () => {
  it('undoes the write of a signed-in session when the "was it ended?" check fails, and passes the error on (double: an index whose check fails)', async () => {
    const inner = new session.MemoryStore();
    const index: UserSessionIndex = { ...createMemoryUserSessionIndex(), wasEnded: () => Promise.reject(new Error('store hiccup')) };
    const store = new IndexedSessionStore(inner, index, isSignedInSession);
    expect(await write(store, 'signed-in', sessionData(true))).to.be.an('error');
    expect(await storedSession(inner, 'signed-in'), 'not left in the store').to.equal(null);
    expect(await write(store, 'anonymous', sessionData(false)), 'an anonymous session needs no check').to.equal(undefined);
    expect(await storedSession(inner, 'anonymous')).to.not.equal(null);
  });
});

describe('signing in when the session store falters', () => {
  it('fails closed when the index cannot list the new session: 503, and no signed-in session is left (double: an index whose add fails)', async () => {
    const store = new session.MemoryStore();
    const index: UserSessionIndex = { ...createMemoryUserSessionIndex(), add: () => Promise.reject(new Error('index down')) };
    const t = buildTestApp({ sessions: handleWith(store, index) });
    const user = await createConfirmedUser();
    const agent = t.agent();
    const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    expect(res.status).to.equal(503);
    await agent.get('/profile').expect(303);
    const signedIn = Object.values(await storedSessions(store)).filter((s) => s.cognito?.user);
    expect(signedIn, 'no signed-in session a password change could not end').to.deep.equal([]);
  });

  it('sends the page and logs the failure when the session cannot be saved after the response has started (double: a store whose writes fail)', async () => {
    const store = new session.MemoryStore();
    let failWrites = false;
    const set = store.set.bind(store);
    store.set = (sid, sess, cb) => (failWrites ? cb?.(Object.assign(new Error('disk full'), { name: 'StoreWriteError' })) : set(sid, sess, cb));
    const t = buildTestApp({ sessionStore: store });
    const user = await createConfirmedUser();
    const agent = t.agent();
    const signIn = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
    const sid = sessionIdOf(sidOf(signIn)!);
    const page = await agent.get('/profile').expect(200);
    failWrites = true;
    // Saving the name sets a notice: the session changed, and express-session saves it as the response ends.
    const res = await agent
      .post('/profile')
      .type('form')
      .send({ name: 'Unsaved', _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] });
    expect(res.status, 'the page as the handler sent it').to.equal(303);
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'session not saved');
    expect(line).to.include({ errCode: 'session_store_unavailable', causeName: 'StoreWriteError' });
    failWrites = false;
    expect((await storedSession(store, sid))?.cognito?.notice, 'the stored session is the one before').to.equal(undefined);
    await agent.get('/profile').expect(200);
  });
});
