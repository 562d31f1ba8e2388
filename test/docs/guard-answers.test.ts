import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { cognitoAuth, createMemoryStore, requiresAuth, type CognitoAuth } from '../../src/index';
import { csrfTokenOf } from '../../src/testing';
import { TEST_APP_BASE_URL, testEmulator } from '../helpers/emulator';
import { createConfirmedUser } from '../helpers/users';
import { parseMarkdown, readMarkdown } from './markdown';

/** The text of docs/api.md's `## requiresAuth(options?)` section. */
function guardSection(): string {
  const { prose } = parseMarkdown(readMarkdown('docs/api.md'));
  const start = prose.findIndex((line) => /^##\s+`requiresAuth\(/.test(line));
  const end = prose.findIndex((line, i) => i > start && /^##\s/.test(line));
  if (start < 0) throw new Error('docs/api.md has no "## `requiresAuth(options?)`" section');
  return prose.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The first capture of `pattern` in the section; fails the test when the docs no longer say it. */
function documented(section: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(section)?.[1];
  if (found === undefined) throw new Error(`docs/api.md's requiresAuth section no longer gives ${what} (${pattern})`);
  return found;
}

/** The quick start's app (docs/api.md): the router at /account on its own session, a guarded /dashboard. */
function quickStartApp(clock: () => number): { app: express.Express; auth: CognitoAuth } {
  const { emulator, ids } = testEmulator();
  const auth = cognitoAuth({
    baseUrl: TEST_APP_BASE_URL,
    mountPath: '/account',
    cognito: { region: 'local', ...ids, domain: emulator.url, endpoint: emulator.url },
    session: { store: createMemoryStore(), secret: 'docs-guard-test-secret-0123456789abcdef' },
    clock,
  });
  const app = express();
  app.use('/account', auth);
  app.use(auth.context());
  app.get('/dashboard', requiresAuth(), (req, res) => res.send(`Hello ${req.cognito!.user!.email}`));
  app.post('/dashboard', requiresAuth(), (_req, res) => res.send('saved'));
  app.get('/home-guarded', requiresAuth({ signedOutTo: '/' }), (_req, res) => res.send('in'));
  return { app, auth };
}

/** A browser navigating to a page, as a browser sends it. */
const PAGE = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };

describe('docs/api.md › requiresAuth(options?): the answers it documents for a signed-out request', () => {
  const section = guardSection();
  let now = Date.now();
  let built: { app: express.Express; auth: CognitoAuth };

  before(() => {
    built = quickStartApp(() => now);
  });
  after(async () => built.auth.close());

  it('a page: 303 to the sign-in page with returnTo and notice=signed_in_required, exactly as documented', async () => {
    const request = documented(section, /A page: `GET ([^`]+)`/, 'the page request');
    const location = documented(section, /`Location: (\/account\/login\?returnTo=[^`]+)`/, 'the page answer');
    const res = await supertest(built.app).get(request).set(PAGE).expect(303);
    expect(res.headers.location).to.equal(location);
    expect(location).to.contain('notice=signed_in_required');
  });

  it('a page after the sign-in’s idle lifetime ended: the same answer with notice=session_expired', async () => {
    const request = documented(section, /A page: `GET ([^`]+)`/, 'the page request');
    const location = documented(section, /`Location: (\/account\/login\?returnTo=[^`]+)`/, 'the page answer');
    expect(section).to.contain('`notice=session_expired`');
    const user = await createConfirmedUser();
    const agent = supertest.agent(built.app);
    const form = await agent.get('/account/login').expect(200);
    await agent
      .post('/account/login')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrfTokenOf(form.text, '/account/login') })
      .expect(303);
    await agent.get(request).set(PAGE).expect(200);
    now += 2 * 60 * 60 * 1000 + 60_000;
    const res = await agent.get(request).set(PAGE).expect(303);
    expect(res.headers.location).to.equal(location.replace('notice=signed_in_required', 'notice=session_expired'));
  });

  it('another method: 303 to the sign-in page without returnTo, exactly as documented', async () => {
    const location = documented(section, /`POST \/dashboard`[^\n]*`Location: ([^`]+)`/, 'the answer to a POST');
    const res = await supertest(built.app).post('/dashboard').set(PAGE).expect(303);
    expect(res.headers.location).to.equal(location);
  });

  it('a request that prefers JSON: 401 with the sign-in URL, exactly as documented', async () => {
    const request = documented(section, /A page: `GET ([^`]+)`/, 'the page request');
    const body = documented(section, /`(\{"error":"unauthenticated"[^`]*\})`/, 'the JSON answer');
    const res = await supertest(built.app).get(request).set('Accept', 'application/json').expect(401);
    expect(res.body).to.deep.equal(JSON.parse(body));
  });

  it('signedOutTo: 303 to that path for a page', async () => {
    expect(section).to.contain("`requiresAuth({ signedOutTo: '/' })` | `303`, `Location: /`");
    const res = await supertest(built.app).get('/home-guarded').set(PAGE).expect(303);
    expect(res.headers.location).to.equal('/');
  });
});
