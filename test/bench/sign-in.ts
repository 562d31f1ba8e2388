import { CookieJar } from './cookie-jar';
import { SEED_PATH } from './targets/session-only';

/** Every request says it came through a TLS-terminating proxy, as in production (secure cookies). */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' } as const;

/** The app's session cookie name with its production settings. */
export const APP_SESSION_COOKIE = '__Host-sid';

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

/** Signs in on the app's custom page (GET /login for the CSRF token, POST /login); returns the Cookie header. */
export async function signInToApp(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new CookieJar();
  const page = await send(jar, `${baseUrl}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`app sign-in: no CSRF token on /login (${page.status})`);
  const res = await send(jar, `${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: csrf }),
  });
  await res.arrayBuffer();
  const cookie = jar.pair(baseUrl, APP_SESSION_COOKIE);
  if (res.status !== 303 || !cookie) throw new Error(`app sign-in failed: ${res.status}`);
  return cookie;
}

/** The session id inside an express-session cookie (`s:<id>.<signature>`). */
export function sessionIdOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const id = /^s:([^.]+)\./.exec(value)?.[1];
  if (!id) throw new Error('not a signed express-session cookie');
  return id;
}

/** Puts a copy of a signed-in session's data into a new session of the express-session-only target. */
export async function seedSession(baseUrl: string, data: Record<string, unknown>): Promise<string> {
  const jar = new CookieJar();
  const res = await send(jar, `${baseUrl}${SEED_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  const cookie = jar.pair(baseUrl, APP_SESSION_COOKIE);
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
