import type { CookieAccessInfo } from 'cookiejar';
import supertest from 'supertest';
import { submitForm, type CognitoLocal, type TestAgent } from '../../src/testing';
import { APP_SESSION_COOKIE, HOST_SESSION_COOKIE } from './constants';
import { CookieJar } from './cookie-jar';
import { SEED_PATH } from './targets/session-only';

/** Every request says it came through a TLS-terminating proxy, as in production (secure cookies). */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' } as const;

/**
 * A supertest agent for a target process, as a browser behind the TLS-terminating proxy: every request
 * says `X-Forwarded-Proto: https`, and the agent's jar sends Secure cookies back (supertest's jar keeps
 * them for https URLs only, and the target listens on plain http behind the pretended proxy).
 */
export function agentBehindTlsProxy(url: string): TestAgent {
  const agent = supertest.agent(url).set(PROXY_HEADERS) as TestAgent & { _attachCookies(req: { url: string; cookies: string }): void };
  agent._attachCookies = (req) => {
    const at = new URL(req.url);
    const access: CookieAccessInfo = { domain: at.hostname, path: at.pathname, secure: true, script: false };
    req.cookies = agent.jar.getCookies(access).toValueString();
  };
  return agent;
}

async function send(jar: CookieJar, url: string, init: { method?: string; body?: URLSearchParams | string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { ...PROXY_HEADERS, ...init.headers, cookie: jar.header(url) },
    body: init.body,
  });
  jar.store(url, res);
  return res;
}

/** `name=value` of a cookie a response set. */
function cookieSetBy(res: supertest.Response, name: string): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((line) => line.startsWith(`${name}=`))?.split(';')[0];
}

/**
 * Signs one connection in to the guarded host page with the package's test kit (`signIn`: the mounted
 * custom sign-in page, its CSRF token, cognito-local); returns the Cookie header for the load generator.
 */
export async function signInToHost(kit: CognitoLocal, url: string, user: { email: string; password: string }): Promise<string> {
  const res = await kit.signIn(agentBehindTlsProxy(url), user);
  const cookie = cookieSetBy(res, HOST_SESSION_COOKIE);
  if (res.status !== 303 || !cookie) throw new Error(`host sign-in failed: ${res.status}`);
  return cookie;
}

/** Signs one connection in to the reference app (the package at `/`) with the kit's `submitForm`. */
export async function signInToReferenceApp(url: string, user: { email: string; password: string }): Promise<string> {
  const res = await submitForm(agentBehindTlsProxy(url), '/login', { email: user.email, password: user.password });
  const cookie = cookieSetBy(res, APP_SESSION_COOKIE);
  if (res.status !== 303 || !cookie) throw new Error(`reference app sign-in failed: ${res.status}`);
  return cookie;
}

/** The session id inside an express-session cookie (`s:<id>.<signature>`). */
export function sessionIdOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const id = /^s:([^.]+)\./.exec(value)?.[1];
  if (!id) throw new Error('not a signed express-session cookie');
  return id;
}

/** Puts a copy of a signed-in session's data into a new session of the express-session-only target; returns its Cookie header. */
export async function seedSession(baseUrl: string, data: Record<string, unknown>): Promise<string> {
  const jar = new CookieJar();
  const res = await send(jar, `${baseUrl}${SEED_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  const cookie = jar.pair(baseUrl, HOST_SESSION_COOKIE);
  if (res.status !== 204 || !cookie) throw new Error(`seeding a session failed: ${res.status}`);
  return cookie;
}

/**
 * Signs in to an express-openid-connect app through the authorization code flow at the local provider,
 * as a browser would: /login, the provider's login and consent forms (its development interactions),
 * back to /callback. `publicBaseUrl` is the app's configured baseURL; requests for it go to `appUrl`.
 */
export async function signInToOpenIdConnect(appUrl: string, publicBaseUrl: string, account: string): Promise<string> {
  const jar = new CookieJar();
  let url = `${appUrl}/login`;
  for (let step = 0; step < 12; step += 1) {
    const res = await send(jar, url);
    const location = res.headers.get('location');
    if (location) {
      await res.arrayBuffer();
      const next = new URL(location, url).toString();
      url = next.startsWith(publicBaseUrl) ? appUrl + next.slice(publicBaseUrl.length) : next;
      if (new URL(url).pathname === '/' && url.startsWith(appUrl)) break;
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="(login|consent)"/.exec(html)?.[1];
    if (res.status !== 200 || !prompt) throw new Error(`openid-connect sign-in: unexpected ${res.status} at ${url}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt });
    const submitted = await send(jar, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    await submitted.arrayBuffer();
    url = new URL(submitted.headers.get('location') as string, url).toString();
  }
  const cookie = jar.pair(appUrl, 'appSession');
  if (!cookie) throw new Error('openid-connect sign-in: no appSession cookie');
  return cookie;
}
