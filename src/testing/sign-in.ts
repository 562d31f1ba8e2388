import * as OTPAuth from 'otpauth';
import type supertest from 'supertest';

type Agent = ReturnType<typeof supertest.agent>;

/** The CSRF token of the first form on a page; throws when the page has none. */
export function csrfTokenOf(html: string, page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error(`no CSRF token on ${page}`);
  return token;
}

/**
 * GETs `page` for its CSRF token, then POSTs `fields` with it to `action` (default: the page itself), as a
 * browser form would. For the package's forms in a host's tests: sign-up, confirm, sign-out, …
 */
export async function submitForm(agent: Agent, page: string, fields: Record<string, string>, action = page): Promise<supertest.Response> {
  const form = await agent.get(page);
  if (form.status !== 200) throw new Error(`GET ${page} answered ${form.status}, not 200`);
  return agent
    .post(action)
    .type('form')
    .send({ ...fields, _csrf: csrfTokenOf(form.text, page) });
}

/** The hidden fields of the emulator's sign-in forms. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1] as string] = match[2] as string;
  }
  return fields;
}

/** The current authenticator-app code for a Base32 secret (SHA-1, 6 digits, 30 s). */
function currentTotp(secret: string): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')), algorithm: 'SHA1', digits: 6, period: 30 });
}

/**
 * A whole Hosted UI sign-in through the kit's emulator: the app's start route, the emulator's login form
 * (posted as a browser would), its two-step code form when the account has one (`totpSecret`), then the
 * app's callback. Resolves with the callback's response.
 */
export async function signInThroughHostedUi(
  agent: Agent,
  loginPath: string,
  credentials: { email: string; password: string; totpSecret?: string },
): Promise<supertest.Response> {
  const start = await agent.get(loginPath);
  const authorize = start.headers.location;
  if (start.status < 300 || start.status >= 400 || typeof authorize !== 'string') {
    throw new Error(`GET ${loginPath} answered ${start.status}, not a redirect to the authorize endpoint`);
  }
  const authorizeUrl = new URL(authorize);
  const form = await fetch(authorizeUrl);
  if (!form.ok) throw new Error(`the emulator's login form answered ${form.status}`);
  const formUrl = new URL('/oauth2/authorize', authorizeUrl);
  let posted = await fetch(formUrl, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...hiddenFields(await form.text()), username: credentials.email, password: credentials.password }),
  });
  if (posted.status === 200 && credentials.totpSecret !== undefined) {
    const step = await posted.text();
    if (step.includes('name="code"')) {
      posted = await fetch(formUrl, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ ...hiddenFields(step), code: currentTotp(credentials.totpSecret) }),
      });
    }
  }
  const callback = posted.headers.get('location');
  if (!callback) throw new Error(`the emulator refused the credentials of ${credentials.email} (${posted.status})`);
  const url = new URL(callback);
  return agent.get(url.pathname + url.search);
}
