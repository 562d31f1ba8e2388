import { expect } from 'chai';
import session from 'express-session';
import supertest from 'supertest';
import { endUserSessions } from '../../../src';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../../helpers/app';
import { testEmulator } from '../../helpers/emulator';
import { holdFirstCall } from '../../helpers/held-call';
import { sidOf } from '../../helpers/cookies';
import { refreshAccepted } from '../../helpers/emulator-tokens';
import { csrfOf, submit } from '../../helpers/forms';
import { buildHostApp } from '../../helpers/host-apps';
import { STORE_KINDS, useSharedStores } from '../../helpers/shared-stores';
import { sessionIdOf, storedSession } from '../../helpers/sessions';
import { createConfirmedUser } from '../../helpers/users';

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

type Agent = ReturnType<TestApp['agent']>;

/** A session store the package keeps no per-user index for (a host's own kind). */
class UnknownStore extends session.Store {
  private readonly data = new Map<string, string>();
  override get(sid: string, cb: (err: unknown, sess?: session.SessionData | null) => void): void {
    const raw = this.data.get(sid);
    cb(null, raw ? (JSON.parse(raw) as session.SessionData) : null);
  }
  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.data.set(sid, JSON.stringify(sess));
    cb?.();
  }
  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.data.delete(sid);
    cb?.();
  }
}

/** One browser: a cookie-keeping agent that sends `ua` and English. */
function browser(t: { agent: () => Agent }, ua: string): Agent {
  return t.agent().set('User-Agent', ua).set('Accept-Language', 'en');
}

async function signIn(agent: Agent, user: { email: string; password: string }): Promise<string> {
  const res = await submit(agent, '/login', '/login', { email: user.email, password: user.password });
  expect(res.status, 'signed in').to.equal(303);
  return sessionIdOf(sidOf(res)!);
}

/** The `value` of the hidden `session` field of the first "sign out this session" form. */
function handleOf(html: string): string {
  const handle = /name="session" value="([^"]+)"/.exec(html)?.[1];
  expect(handle, 'a session to end').to.be.a('string');
  return handle!;
}

describe('GET /profile/sessions (where you are signed in)', function () {
  this.timeout(30_000);
  const fixture = useSharedStores('sessions-page-');

  for (const kind of STORE_KINDS) {
    it(`${kind}: lists both browsers with browser, system, method and times, this one marked; ending the other signs it out on its next request`, async () => {
      const {
        stores: [storeX, storeY],
      } = await fixture.shared(kind);
      const x = buildTestApp({ sessionStore: storeX });
      const y = buildTestApp({ sessionStore: storeY });
      const user = await createConfirmedUser();
      const a = browser(x, FIREFOX_LINUX);
      const b = browser(y, CHROME_WINDOWS);
      await signIn(a, user);
      const sidB = await signIn(b, user);
      const refreshB = (await storedSession(storeY, sidB))!.cognito!.tokens!.refreshToken!;

      const page = await a.get('/profile/sessions').expect(200);
      expect(page.text).to.contain('<h1>Where you&#39;re signed in</h1>');
      const current = page.text.slice(page.text.indexOf('data-session="current"'));
      expect(current).to.match(/^data-session="current"[\s\S]*?Firefox 133 on Linux[\s\S]*?This device/);
      expect(page.text).to.contain('Chrome 131 on Windows 10');
      expect(page.text.match(/data-field="method">Email and password</g)).to.have.length(2);
      expect(page.text).to.match(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" data-local-time>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
      expect(page.text, 'no session id on the page').not.to.contain(sidB);

      const end = await a
        .post('/profile/sessions/end')
        .type('form')
        .send({ session: handleOf(page.text), _csrf: csrfOf(page.text) });
      expect(end.status).to.equal(303);
      expect(end.headers.location).to.equal('/profile/sessions');
      expect((await a.get('/profile/sessions')).text).to.contain('That session was signed out.');
      await b.get('/profile').expect(303).expect('Location', '/login?returnTo=%2Fprofile&notice=signed_in_required');
      expect(await storedSession(storeY, sidB)).to.equal(null);
      expect(await refreshAccepted(refreshB), "the ended session's refresh token").to.equal(false);
      await a.get('/profile').expect(200);
    });
  }

  it('a session ended from the page stays ended though a request of it was in flight and saves it afterwards', async () => {
    const store = new session.MemoryStore();
    const { client: real, emulator, ids } = testEmulator();
    const held = holdFirstCall(real, 'UpdateUserAttributesCommand', 'answer');
    const settings = resolveCognitoSettings(buildTestApp().config, ids, emulator.url);
    const t = buildTestApp({ sessionStore: store, cognito: { settings, client: held.client } });
    const user = await createConfirmedUser();
    const a = browser(t, FIREFOX_LINUX);
    const b = browser(t, CHROME_WINDOWS);
    await signIn(a, user);
    const sidB = await signIn(b, user);
    const form = await b.get('/profile').expect(200);
    // B saves its display name, slowly; meanwhile A ends B's session.
    const saving = b
      .post('/profile')
      .type('form')
      .send({ name: 'Late writer', _csrf: csrfOf(form.text) })
      .then((r) => r);
    await held.reached;
    const page = await a.get('/profile/sessions').expect(200);
    await a
      .post('/profile/sessions/end')
      .type('form')
      .send({ session: handleOf(page.text), _csrf: csrfOf(page.text) })
      .expect(303);
    held.release();
    const saved = await saving;
    expect(saved.status, 'B finishes and saves its session').to.equal(303);
    expect(saved.headers.location, 'B saved its name').to.equal('/profile');
    expect(await storedSession(store, sidB), 'B is not written back').to.equal(null);
    await b.get('/profile').expect(303);
  });

  it('"sign out everywhere else" ends every other session and keeps this one signed in', async () => {
    const t = buildTestApp({ sessionStore: new session.MemoryStore() });
    const user = await createConfirmedUser();
    const a = browser(t, FIREFOX_LINUX);
    const b = browser(t, CHROME_WINDOWS);
    const c = browser(t, CHROME_WINDOWS);
    await signIn(a, user);
    await signIn(b, user);
    await signIn(c, user);
    const res = await submit(a, '/profile/sessions', '/profile/sessions/end-others', {});
    expect(res.status).to.equal(303);
    for (const other of [b, c]) await other.get('/profile').expect(303);
    const page = await a.get('/profile/sessions').expect(200);
    expect(page.text).to.contain('You were signed out everywhere else.');
    expect(page.text).to.contain('You are not signed in anywhere else.');
    expect(page.text.match(/data-session="/g)).to.have.length(1);
  });

  it('a handle of a session that is not one of this user’s ends nothing', async () => {
    const t = buildTestApp({ sessionStore: new session.MemoryStore() });
    const [alice, bob] = [await createConfirmedUser(), await createConfirmedUser()];
    const a = browser(t, FIREFOX_LINUX);
    const a2 = browser(t, CHROME_WINDOWS);
    const b = browser(t, CHROME_WINDOWS);
    await signIn(a, alice);
    await signIn(a2, alice);
    await signIn(b, bob);
    const alicePage = await a.get('/profile/sessions');
    const bobPage = await b.get('/profile/sessions');
    // Bob posts the handle he saw on Alice's page (as if it leaked): not his session, nothing ends.
    const res = await b
      .post('/profile/sessions/end')
      .type('form')
      .send({ session: handleOf(alicePage.text), _csrf: csrfOf(bobPage.text) });
    expect(res.status).to.equal(303);
    expect((await b.get('/profile/sessions')).text).to.contain('That session had already ended.');
    await a2.get('/profile').expect(200);
  });

  it('refuses to end a session without the form token', async () => {
    const t = buildTestApp({ sessionStore: new session.MemoryStore() });
    const user = await createConfirmedUser();
    const a = browser(t, FIREFOX_LINUX);
    const b = browser(t, CHROME_WINDOWS);
    await signIn(a, user);
    await signIn(b, user);
    const page = await a.get('/profile/sessions');
    await a
      .post('/profile/sessions/end')
      .type('form')
      .send({ session: handleOf(page.text) })
      .expect(403);
    await b.get('/profile').expect(200);
  });

  it('sends a signed-out visitor to sign in', async () => {
    const t = buildTestApp({ sessionStore: new session.MemoryStore() });
    await t.agent().get('/profile/sessions').expect(303).expect('Location', '/login?returnTo=%2Fprofile%2Fsessions&notice=signed_in_required');
  });

  it("on a host's own express-session over a store the package knows, lists the sessions", async () => {
    const store = new session.MemoryStore();
    const { app } = buildHostApp({ mounting: 'root', at: '/account', hostSession: store });
    const user = await createConfirmedUser();
    const a = supertest.agent(app).set('User-Agent', FIREFOX_LINUX).set('Accept-Language', 'en');
    expect((await submit(a, '/account/login', '/account/login', { email: user.email, password: user.password })).status).to.equal(303);
    const page = await a.get('/account/profile/sessions').expect(200);
    expect(page.text).to.contain('Firefox 133 on Linux');
    expect(page.text).not.to.contain('data-sessions="unavailable"');
  });

  it("on a host's own express-session over a store the package does not know, says it cannot list them", async () => {
    const { app } = buildHostApp({ mounting: 'root', at: '/account', hostSession: new UnknownStore() });
    const user = await createConfirmedUser();
    const a = supertest.agent(app).set('Accept-Language', 'en');
    expect((await submit(a, '/account/login', '/account/login', { email: user.email, password: user.password })).status).to.equal(303);
    const page = await a.get('/account/profile/sessions').expect(200);
    expect(page.text).to.contain('data-sessions="unavailable"');
    expect(page.text).not.to.contain('data-session="current"');
  });
});

describe('endUserSessions() (for an administrator’s tool)', () => {
  it('ends every session of a user by sub, on every instance sharing the store, and no one else’s', async () => {
    const store = new session.MemoryStore();
    const x = buildTestApp({ sessionStore: store });
    const y = buildTestApp({ sessionStore: store });
    const [alice, bob] = [await createConfirmedUser(), await createConfirmedUser()];
    const a1 = browser(x, FIREFOX_LINUX);
    const a2 = browser(y, CHROME_WINDOWS);
    const b = browser(x, CHROME_WINDOWS);
    await signIn(a1, alice);
    await signIn(a2, alice);
    await signIn(b, bob);
    expect(await endUserSessions({ store, sub: alice.sub })).to.deep.equal({ ended: 2 });
    for (const agent of [a1, a2]) await agent.get('/profile').expect(303);
    await b.get('/profile').expect(200);
  });
});
