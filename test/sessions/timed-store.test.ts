import { expect } from 'chai';
import session from 'express-session';
import { CognitoAuthError } from '../../src/errors';
import { SessionStoreError, SessionStoreFailingError, SessionStoreTimeoutError } from '../../src/sessions/errors';
import { TimedStore } from '../../src/sessions/timed-store';

/** A memory store that answers `get` only when the test lets it: a store that hangs, then wakes up. */
class HangingStore extends session.MemoryStore {
  readonly waiting: Array<() => void> = [];
  hang = true;
  /** How many times `get` was called, answered or not. */
  asked = 0;
  override get(sid: string, cb: (err: unknown, sess?: session.SessionData | null) => void): void {
    this.asked += 1;
    if (!this.hang) return super.get(sid, cb);
    this.waiting.push(() => super.get(sid, cb));
  }
}

// An hour: the suite loads this file long before the test runs.
const sess = { cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000) } } as session.SessionData;

function getFrom(store: session.Store, sid: string): Promise<{ calls: number; err: unknown; value: unknown }> {
  return new Promise((resolve) => {
    const seen = { calls: 0, err: undefined as unknown, value: undefined as unknown };
    store.get(sid, (err, value) => {
      seen.calls += 1;
      seen.err = err;
      seen.value = value;
      resolve(seen);
    });
  });
}

describe('TimedStore', () => {
  it('answers a hung get with the 503 error once, and ignores the late answer (double)', async () => {
    const inner = new HangingStore();
    await new Promise<void>((r) => inner.set('s1', sess, () => r()));
    const store = new TimedStore(inner, 100);
    const seen = await getFrom(store, 's1');
    expect(seen.err).to.be.instanceOf(CognitoAuthError);
    expect((seen.err as CognitoAuthError).status).to.equal(503);

    inner.waiting.splice(0).forEach((answer) => answer());
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(seen.calls, 'the callback ran once').to.equal(1);
  });

  it('fails at once right after a failure, then tries the store again and serves (double)', async () => {
    const inner = new HangingStore();
    await new Promise<void>((r) => inner.set('s1', sess, () => r()));
    const store = new TimedStore(inner, 100);
    await getFrom(store, 's1');
    inner.hang = false;
    const askedBefore = inner.asked;

    const right = await getFrom(store, 's1');
    expect((right.err as CognitoAuthError | undefined)?.status, 'failing at once').to.equal(503);
    expect(inner.asked, 'the store was not asked').to.equal(askedBefore);

    let later = await getFrom(store, 's1');
    for (let i = 0; i < 40 && later.err; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      later = await getFrom(store, 's1');
    }
    expect(later.err).to.equal(undefined);
    expect(later.value).to.deep.include({ cookie: JSON.parse(JSON.stringify(sess.cookie)) as unknown });
  });

  it('names why the store gave no answer in the 503 error’s cause: store_timeout, then store_failing (double)', async () => {
    const inner = new HangingStore();
    await new Promise<void>((r) => inner.set('s1', sess, () => r()));
    const store = new TimedStore(inner, 100);
    const causes: unknown[] = [];
    for (let i = 0; i < 2; i += 1) causes.push(((await getFrom(store, 's1')).err as CognitoAuthError).cause);
    const [timedOut, failing] = causes as [SessionStoreError, SessionStoreError];
    expect(timedOut).to.be.instanceOf(SessionStoreTimeoutError).and.to.be.instanceOf(SessionStoreError);
    expect(timedOut).to.include({ code: 'store_timeout', operation: 'get', timeoutMs: 100, name: 'SessionStoreTimeoutError' });
    expect(timedOut.message).to.equal('session store did not answer get within 100 ms');
    expect(failing).to.be.instanceOf(SessionStoreFailingError).and.to.be.instanceOf(SessionStoreError);
    expect(failing).to.include({ code: 'store_failing', operation: 'get', name: 'SessionStoreFailingError' });
    expect(failing.message).to.equal('session store failed a moment ago; get not tried');
  });
});
