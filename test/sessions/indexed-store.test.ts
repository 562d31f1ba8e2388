import { expect } from 'chai';
import session from 'express-session';
import { sessionKeyOf } from '../../src/auth/session-user';
import { IndexedSessionStore } from '../../src/sessions/indexed-store';
import { createMemoryUserSessionIndex, type UserSessionIndex } from '../../src/sessions/user-sessions';
import { storedSession } from '../helpers/sessions';

/** A session as express-session hands it to the store: signed in at a router or not. */
function sessionData(signedIn: boolean): session.SessionData {
  const user = { sub: 'sub-1', username: 'user-1', email: 'a@example.com', provider: 'password' };
  const state = { issuer: 'https://issuer.example', clientId: 'client1', ...(signedIn ? { user } : {}) };
  return { cookie: new session.Cookie(), [sessionKeyOf(state.issuer, state.clientId)]: state } as unknown as session.SessionData;
}

function write(store: session.Store, sid: string, data: session.SessionData): Promise<unknown> {
  return new Promise((resolve) => store.set(sid, data, (err) => resolve(err)));
}

describe('IndexedSessionStore', () => {
  it('undoes the write of a signed-in session when the "was it ended?" check fails, and passes the error on (double: an index whose check fails)', async () => {
    const inner = new session.MemoryStore();
    const index: UserSessionIndex = { ...createMemoryUserSessionIndex(), wasEnded: () => Promise.reject(new Error('store hiccup')) };
    const store = new IndexedSessionStore(inner, index);
    expect(await write(store, 'signed-in', sessionData(true))).to.be.an('error');
    expect(await storedSession(inner, 'signed-in'), 'not left in the store').to.equal(null);
    expect(await write(store, 'anonymous', sessionData(false)), 'an anonymous session needs no check').to.equal(undefined);
    expect(await storedSession(inner, 'anonymous')).to.not.equal(null);
  });
});
