import { expect } from 'chai';
import { createMemoryStore, type SessionStoreHandle } from '../../src/sessions';
import { buildTestApp } from '../helpers/app';
import { csrfOf, submit } from '../helpers/forms';
import { createConfirmedUser } from '../helpers/users';

/** A memory store whose per-user index is down: a sign-in cannot be recorded (the store's 503). */
function storeWithIndexDown(): SessionStoreHandle {
  const handle = createMemoryStore();
  return { ...handle, userSessions: { ...handle.userSessions, add: () => Promise.reject(new Error('connection refused')) } };
}

describe('error pages say what happened and what to do', () => {
  it('404: "Page not found", with a link home, in both languages', async () => {
    const t = buildTestApp();
    const en = await t.agent().get('/no-such-page').set('Accept-Language', 'en').expect(404);
    expect(en.text).to.contain('<h1>Page not found</h1>');
    expect(en.text).to.contain('data-next="home"');
    const ja = await t.agent().get('/no-such-page').set('Accept-Language', 'ja').expect(404);
    expect(ja.text).to.contain('<h1>ページが見つかりません</h1>');
    expect(ja.text, 'the label with its full-width colon, then the id').to.match(
      /リクエスト ID：<code class="request-id" data-field="request-id">[^<]+<\/code>/,
    );
    expect(en.text).to.match(/Request ID:<code class="request-id" data-field="request-id">[^<]+<\/code>/);
  });

  it('403 on an expired form outside the forms that say it themselves: says the form expired and links back to the form', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    expect((await submit(agent, '/login', '/login', user)).status).to.equal(303);
    await agent.get('/password/change').expect(200);
    const res = await agent
      .post('/password/change')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ currentPassword: user.password, password: 'N3w-Passw0rd!x', passwordConfirm: 'N3w-Passw0rd!x', _csrf: 'stale' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('<h1>This form has expired</h1>');
    expect(res.text).to.contain('data-code="csrf_invalid"');
    expect(res.text).to.match(/<a href="\/password\/change" data-next="form">Open the form again<\/a>/);
  });

  it('403 on an expired sign-up form: the form again with the message above the fields, the address kept, no password', async () => {
    const agent = buildTestApp().agent().set('Accept-Language', 'en');
    await agent.get('/signup').expect(200);
    const res = await agent
      .post('/signup')
      .type('form')
      .send({ email: 'kept@example.com', password: 'Secret-Passw0rd!', passwordConfirm: 'Secret-Passw0rd!', _csrf: 'stale' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('action="/signup"');
    expect(res.text).to.contain('value="kept@example.com"');
    expect(res.text).not.to.contain('Secret-Passw0rd!');
    expect(res.text.indexOf('data-code="csrf_invalid"')).to.be.greaterThan(-1);
    expect(res.text.indexOf('data-code="csrf_invalid"')).to.be.lessThan(res.text.indexOf('name="email"'));
  });

  it('403 on an expired sign-in form: the sign-in form again with the message, the address kept, nothing signed in', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent().set('Accept-Language', 'en');
    await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ email: user.email, password: user.password, _csrf: 'stale' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('action="/login"');
    expect(res.text).to.contain(`value="${user.email}"`);
    expect(res.text).not.to.contain(user.password);
    expect(res.text.indexOf('data-code="csrf_invalid"')).to.be.greaterThan(-1);
    expect(res.text.indexOf('data-code="csrf_invalid"')).to.be.lessThan(res.text.indexOf('name="email"'));
    await agent.get('/profile').expect(303);
  });

  it('429 after wrong passwords: the sign-in form again, with the real wait from the limiter, a link to reset the password and the address kept', async () => {
    const t = buildTestApp();
    const user = await createConfirmedUser();
    const agent = t.agent();
    for (let i = 0; i < 5; i += 1) await submit(agent, '/login', '/login', { email: user.email, password: 'Wr0ng-Password!' });
    const blocked = await agent
      .post('/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrfOf((await agent.get('/login')).text) });
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.contain('action="/login"');
    expect(blocked.text).to.contain(`value="${user.email}"`);
    expect(blocked.text.indexOf('data-code="rate_limited"')).to.be.greaterThan(-1);
    expect(blocked.text.indexOf('data-code="rate_limited"'), 'above the fields').to.be.lessThan(blocked.text.indexOf('name="email"'));
    const minutes = Math.ceil(Number(blocked.headers['retry-after']) / 60);
    expect(blocked.text).to.match(new RegExp(`data-wait-minutes="${minutes}">You can try again in (a minute|${minutes} minutes)\\.`));
    expect(blocked.text).to.contain('<a href="/password/forgot" data-next="reset-password">');
    const ja = await agent
      .post('/login')
      .set('Accept-Language', 'ja')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrfOf((await agent.get('/login')).text) });
    expect(ja.text).to.match(/\d+分後にもう一度お試しください。/);
  });

  it('429 on the sign-in form from the per-IP limit: the wait, but no reset link (the password is not the problem)', async () => {
    const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '2' } });
    const agent = t.agent().set('Accept-Language', 'en');
    await agent.get('/login').expect(200);
    const limited = await submit(agent, '/login', '/login', { email: 'someone@example.com', password: 'Wr0ng-Password!' });
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('data-code="rate_limited"');
    expect(limited.text).to.not.contain('data-next="reset-password"');
  });

  it('503 when the session store fails: "Temporarily unavailable", being retried, with Retry-After', async () => {
    const t = buildTestApp({ sessions: storeWithIndexDown() });
    const agent = t.agent();
    const user = await createConfirmedUser();
    const login = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: csrfOf(login.text) });
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.match(/^\d+$/);
    expect(res.text).to.contain('<h1>Temporarily unavailable</h1>');
    expect(res.text).to.contain('We keep retrying by ourselves');
  });
});

describe('a limit met on a form is said on the form itself', () => {
  it('POST /password/forgot over the per-IP limit: the form again (429), the message and the real wait above the fields, the address kept', async () => {
    const t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '2' } });
    const agent = t.agent().set('Accept-Language', 'en');
    const form = await agent.get('/password/forgot').expect(200);
    await agent
      .post('/password/forgot')
      .type('form')
      .send({ email: 'kept@example.com', _csrf: csrfOf(form.text) });
    const limited = await agent
      .post('/password/forgot')
      .type('form')
      .send({ email: 'kept@example.com', _csrf: csrfOf(form.text) });
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('action="/password/forgot"');
    expect(limited.text).to.contain('value="kept@example.com"');
    const message = limited.text.indexOf('data-code="rate_limited"');
    expect(message, 'the message').to.be.greaterThan(-1);
    expect(message, 'above the fields').to.be.lessThan(limited.text.indexOf('name="email"'));
    expect(limited.text).to.match(/data-wait-minutes="1">You can try again in a minute\./);
  });
});
