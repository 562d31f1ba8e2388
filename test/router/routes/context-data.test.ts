import { AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { visitorOf } from '../../../src/auth/visitor';
import { CONTEXT_HEADERS, contextDataOf, userContextDataOf, type Visitor } from '../../../src/cognito/context-data';
import { buildTestApp, resolveCognitoSettings, type TestApp } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { testEmulator } from '../../helpers/emulator';
import { codeFromEmulator, newEmail, submit } from '../../helpers/forms';
import { switchOnTotp, totpCodeFor, withOptionalTotpPool } from '../../helpers/totp';
import { createConfirmedUser, TEST_PASSWORD } from '../../helpers/users';

const VISITOR_IP = '203.0.113.77';
const NEW_PASSWORD = 'N3w-Passw0rd!';

/** The public API calls that accept `UserContextData`. */
const PUBLIC_CALLS = [
  'SignUpCommand',
  'ResendConfirmationCodeCommand',
  'ConfirmSignUpCommand',
  'InitiateAuthCommand',
  'RespondToAuthChallengeCommand',
  'ForgotPasswordCommand',
  'ConfirmForgotPasswordCommand',
];

/**
 * The app behind one trusted proxy with `contextData` as given; its Cognito client records every call
 * and passes it to cognito-local (which does not implement ResendConfirmationCode: answered here).
 */
function appWith(
  contextData: boolean,
  record?: (c: SentCommand) => void,
  signInApi: 'admin' | 'public' = 'public',
): TestApp & { sent: SentCommand[] } {
  const { client: real, emulator, ids } = testEmulator();
  const double = createClientDouble(real, (c) => {
    record?.(c);
    return c.name === 'ResendConfirmationCodeCommand' ? Promise.resolve({}) : undefined;
  });
  const base = buildTestApp();
  const settings = { ...resolveCognitoSettings(base.config, ids, emulator.url), contextData, signInApi };
  const t = buildTestApp({ env: { TRUST_PROXY: '1', RATE_LIMIT_IP_PER_MINUTE: '1000' }, cognito: { settings, client: double.client } });
  return { ...t, sent: double.sent };
}

/**
 * Every page that calls Cognito's public API for a visitor: sign-up, resend, confirm, sign-in with a
 * code, the new-password step, forgot and reset, and a re-authentication with a code.
 */
async function walkThroughEveryCall(t: TestApp): Promise<{ username: string }> {
  const browser = () => t.agent().set('X-Forwarded-For', VISITOR_IP).set('User-Agent', 'Visitor-Browser/1.0').set('Accept-Language', 'ja');
  const email = newEmail('context');
  const agent = browser();
  expect((await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD })).status).to.equal(303);
  expect((await submit(agent, '/signup/confirm', '/signup/resend', { email })).status).to.equal(200);
  expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: codeFromEmulator(email) })).status).to.equal(303);

  expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
  const secret = await switchOnTotp(agent, TEST_PASSWORD);
  const again = browser();
  expect((await submit(again, '/login', '/login', { email, password: TEST_PASSWORD })).headers.location).to.equal('/login/mfa');
  expect((await submit(again, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) })).headers.location).to.equal('/profile');
  expect((await submit(again, '/mfa/disable', '/mfa/disable', { currentPassword: TEST_PASSWORD, code: totpCodeFor(secret) })).status).to.equal(303);

  const forgot = browser();
  expect((await submit(forgot, '/password/forgot', '/password/forgot', { email })).status).to.equal(303);
  expect(
    (
      await submit(forgot, '/password/reset', '/password/reset', {
        email,
        code: codeFromEmulator(email),
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      })
    ).status,
  ).to.equal(303);

  const { client, ids } = testEmulator();
  const temporary = newEmail('context-temporary');
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: ids.userPoolId, Username: temporary, TemporaryPassword: TEST_PASSWORD, MessageAction: 'SUPPRESS' }),
  );
  const invited = browser();
  expect((await submit(invited, '/login', '/login', { email: temporary, password: TEST_PASSWORD })).headers.location).to.equal('/login/new-password');
  expect(
    (await submit(invited, '/login/new-password', '/login/new-password', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })).status,
  ).to.equal(303);

  const username = (await client.send(new AdminGetUserCommand({ UserPoolId: ids.userPoolId, Username: email }))).Username as string;
  return { username };
}

describe('the visitor’s context for Cognito’s threat protection (cognito.contextData)', () => {
  withOptionalTotpPool();

  it('sends UserContextData with the visitor’s IP (from X-Forwarded-For behind a trusted proxy) on every public call that takes it, and nothing else of the request (double: records the calls)', async () => {
    const t = appWith(true);
    const { username } = await walkThroughEveryCall(t);
    const calls = t.sent.filter((c) => PUBLIC_CALLS.includes(c.name));
    expect(new Set(calls.map((c) => c.name)), 'every kind of call was made').to.have.keys(PUBLIC_CALLS);
    expect(
      calls.filter((c) => c.name === 'InitiateAuthCommand' && (c.input.AuthParameters as Record<string, string>).USERNAME === username),
      'the re-authentication',
    ).to.have.length.greaterThan(0);
    expect(
      calls.filter((c) => c.name === 'InitiateAuthCommand' && (c.input.AuthParameters as Record<string, string>).USERNAME !== username),
      'the sign-in by address',
    ).to.have.length.greaterThan(0);
    for (const c of calls) {
      expect(c.input.UserContextData, c.name).to.deep.equal({ IpAddress: VISITOR_IP });
    }
    const everything = JSON.stringify(t.sent.map((c) => c.input));
    expect(everything, 'no request header reaches Cognito on the public API').to.not.contain('Visitor-Browser');
    expect(everything).to.not.match(/cookie|sid=/i);
  });

  it('signs in on the admin API by default, with ContextData (IP, host, path, the allow-listed headers) on AdminInitiateAuth and AdminRespondToAuthChallenge, and UserContextData on the public calls left (double: records the calls)', async () => {
    const t = appWith(true, undefined, 'admin');
    const { username } = await walkThroughEveryCall(t);
    const admin = t.sent.filter((c) => c.name === 'AdminInitiateAuthCommand' || c.name === 'AdminRespondToAuthChallengeCommand');
    expect(new Set(admin.map((c) => c.name)), 'both admin calls were made').to.have.keys(
      'AdminInitiateAuthCommand',
      'AdminRespondToAuthChallengeCommand',
    );
    expect(
      t.sent.filter((c) => c.name === 'InitiateAuthCommand' || c.name === 'RespondToAuthChallengeCommand').map((c) => c.name),
      'no public sign-in call',
    ).to.deep.equal([]);
    expect(admin.filter((c) => c.name === 'AdminInitiateAuthCommand').map((c) => c.input.AuthFlow)).to.include('ADMIN_USER_PASSWORD_AUTH');
    expect(
      admin.filter((c) => (c.input.AuthParameters as Record<string, string> | undefined)?.USERNAME === username),
      'the re-authentication',
    ).to.have.length.greaterThan(0);
    for (const c of admin) {
      const context = c.input.ContextData as {
        IpAddress: string;
        ServerName: string;
        ServerPath: string;
        HttpHeaders: Array<{ headerName: string; headerValue: string }>;
      };
      expect(context.IpAddress, c.name).to.equal(VISITOR_IP);
      expect(context.ServerName, c.name).to.be.a('string').and.not.equal('');
      expect(context.ServerPath, c.name).to.match(/^\/(login|mfa|email|profile)/);
      expect(context.HttpHeaders, c.name).to.deep.include({ headerName: 'user-agent', headerValue: 'Visitor-Browser/1.0' });
      for (const { headerName } of context.HttpHeaders) expect(CONTEXT_HEADERS, headerName).to.include(headerName);
      expect(c.input, c.name).to.not.have.property('UserContextData');
    }
    for (const c of t.sent.filter((sent) => PUBLIC_CALLS.includes(sent.name)))
      expect(c.input.UserContextData, c.name).to.deep.equal({ IpAddress: VISITOR_IP });
    expect(JSON.stringify(t.sent.map((c) => c.input))).to.not.match(/cookie|sid=/i);
  });

  it('sends no context at all when the option is off (the default) (double: records the calls)', async () => {
    const t = appWith(false);
    await walkThroughEveryCall(t);
    const withContext = t.sent.filter((c) => 'UserContextData' in c.input || 'ContextData' in c.input);
    expect(withContext.map((c) => c.name)).to.deep.equal([]);
  });

  it('is accepted (and ignored) by cognito-local on every call: the whole walk-through succeeds against the emulator with the option on', async () => {
    const { client, emulator, ids } = testEmulator();
    const base = buildTestApp();
    // The emulator's own client, no double.
    const settings = { ...resolveCognitoSettings(base.config, ids, emulator.url), contextData: true };
    const t = buildTestApp({ env: { TRUST_PROXY: '1', RATE_LIMIT_IP_PER_MINUTE: '1000' }, cognito: { settings, client } });
    const agent = t.agent().set('X-Forwarded-For', VISITOR_IP);
    const email = newEmail('context-emulator');
    expect((await submit(agent, '/signup', '/signup', { email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD })).status).to.equal(303);
    expect((await submit(agent, '/signup/confirm', '/signup/resend', { email })).status, 'a new code sent').to.equal(200);
    expect((await submit(agent, '/signup/confirm', '/signup/confirm', { email, code: codeFromEmulator(email) })).status).to.equal(303);
    expect((await submit(agent, '/login', '/login', { email, password: TEST_PASSWORD })).status).to.equal(303);
    const secret = await switchOnTotp(agent, TEST_PASSWORD);
    const again = t.agent().set('X-Forwarded-For', VISITOR_IP);
    expect((await submit(again, '/login', '/login', { email, password: TEST_PASSWORD })).headers.location).to.equal('/login/mfa');
    expect((await submit(again, '/login/mfa', '/login/mfa', { code: totpCodeFor(secret) })).headers.location).to.equal('/profile');
    expect((await submit(again, '/mfa/disable', '/mfa/disable', { currentPassword: TEST_PASSWORD, code: totpCodeFor(secret) })).status).to.equal(303);
    expect((await submit(again, '/password/forgot', '/password/forgot', { email })).status).to.equal(303);
    const reset = await submit(again, '/password/reset', '/password/reset', {
      email,
      code: codeFromEmulator(email),
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(reset.status).to.equal(303);
    expect((await submit(t.agent(), '/login', '/login', { email, password: NEW_PASSWORD })).status).to.equal(303);
    const user = await createConfirmedUser();
    expect((await submit(t.agent().set('X-Forwarded-For', VISITOR_IP), '/login', '/login', user)).status).to.equal(303);
  });
});

describe('visitorOf and the context builders', () => {
  /** The visitor an Express app (trusting one proxy) builds for a request with `headers`. */
  async function visitorFor(headers: Record<string, string>): Promise<Visitor> {
    const app = express();
    app.set('trust proxy', 1);
    let seen: Visitor | undefined;
    app.use('/account', (req, res) => {
      seen = visitorOf(req);
      res.end();
    });
    await supertest(app).post('/account/login?returnTo=%2Fx').set(headers).expect(200);
    return seen!;
  }

  it('takes the IP from trust proxy, the host and path without the query, and only the allow-listed headers', async () => {
    const visitor = await visitorFor({
      'X-Forwarded-For': '198.51.100.4',
      Host: 'shop.example.com',
      'User-Agent': 'UA/1.0',
      'Accept-Language': 'ja,en;q=0.5',
      Cookie: 'sid=secret-session',
      Authorization: 'Bearer secret-token',
      Referer: 'https://shop.example.com/account/login?returnTo=%2Fx',
      'X-Real-IP': '192.0.2.1',
    });
    expect(visitor.ipAddress).to.equal('198.51.100.4');
    expect(visitor.serverName).to.equal('shop.example.com');
    expect(visitor.serverPath).to.equal('/account/login');
    expect(visitor.headers).to.deep.include({ name: 'user-agent', value: 'UA/1.0' });
    expect(visitor.headers).to.deep.include({ name: 'accept-language', value: 'ja,en;q=0.5' });
    for (const { name } of visitor.headers) expect(CONTEXT_HEADERS, name).to.include(name);
    expect(JSON.stringify(visitor)).to.not.contain('secret');
  });

  it('cuts a long header value, and builds UserContextData and ContextData only when on and with an IP', async () => {
    const visitor = await visitorFor({ 'User-Agent': 'x'.repeat(5000) });
    expect(visitor.headers[0]!.value).to.have.length(1024);
    const known: Visitor = {
      ipAddress: '198.51.100.4',
      serverName: 'shop.example.com',
      serverPath: '/login',
      headers: [{ name: 'user-agent', value: 'UA' }],
    };
    expect(userContextDataOf(true, known)).to.deep.equal({ UserContextData: { IpAddress: '198.51.100.4' } });
    expect(contextDataOf(true, known)).to.deep.equal({
      ContextData: {
        IpAddress: '198.51.100.4',
        ServerName: 'shop.example.com',
        ServerPath: '/login',
        HttpHeaders: [{ headerName: 'user-agent', headerValue: 'UA' }],
      },
    });
    for (const [enabled, v] of [
      [false, known],
      [true, undefined],
      [true, { ...known, ipAddress: undefined }],
    ] as const) {
      expect(userContextDataOf(enabled, v)).to.deep.equal({});
      expect(contextDataOf(enabled, v)).to.deep.equal({});
    }
  });
});
