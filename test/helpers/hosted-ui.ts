import { assert, expect } from 'chai';
import type supertest from 'supertest';
import { sidOf } from './cookies';

type Agent = ReturnType<typeof supertest.agent>;

/** The hidden fields of cognito-local's login form, read from its HTML. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1] as string] = match[2] as string;
  }
  return fields;
}

/** What happened at each step of a Hosted UI sign-in through the emulator's own form. */
export interface HostedUiJourney {
  /** The authorize URL the app redirected to. */
  authorizeUrl: URL;
  /** The `state` the app sent (its pending authorization's handle). */
  state: string;
  /** The `sid=…` cookie the app set when the sign-in started, if it set one. */
  loginCookie: string | undefined;
  /** The emulator's answer to the posted form: a redirect to the callback, or the form again. */
  formResponse: Response;
  /** The callback URL the emulator sent the browser to (with code and state), if it did. */
  callbackUrl?: URL;
}

/**
 * GET /login/hosted on the app, then the emulator's authorize form, then POSTs the credentials to it, as
 * a browser would. Stops before the callback so tests can tamper with it.
 */
export async function startHostedUiSignIn(
  agent: Agent,
  credentials: { email: string; password: string },
  loginPath = '/login/hosted',
): Promise<HostedUiJourney> {
  const login = await agent.get(loginPath).expect(302);
  const authorizeUrl = new URL(login.headers.location as string);
  const { formResponse, callbackUrl } = await signInAtEmulator(authorizeUrl, credentials);
  return { authorizeUrl, state: authorizeUrl.searchParams.get('state') as string, loginCookie: sidOf(login), formResponse, callbackUrl };
}

/** The emulator's side of a Hosted UI sign-in: its authorize form at `authorizeUrl`, posted with the credentials. */
export async function signInAtEmulator(
  authorizeUrl: URL,
  credentials: { email: string; password: string },
): Promise<{ formResponse: Response; callbackUrl: URL | undefined }> {
  const form = await fetch(authorizeUrl);
  expect(form.status, await form.clone().text()).to.equal(200);
  const fields = formFields(await form.text());
  const formResponse = await fetch(new URL('/oauth2/authorize', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...fields, username: credentials.email, password: credentials.password }),
  });
  const location = formResponse.headers.get('location');
  return { formResponse, callbackUrl: location ? new URL(location) : undefined };
}

/** The callback URL as a path the supertest agent can request. */
export function callbackPath(url: URL): string {
  return url.pathname + url.search;
}

/** A whole Hosted UI sign-in; returns the callback's response (303 on success). */
export async function signInThroughHostedUi(agent: Agent, credentials: { email: string; password: string }, loginPath?: string) {
  const journey = await startHostedUiSignIn(agent, credentials, loginPath);
  assert.exists(journey.callbackUrl, 'the emulator redirected back to the app');
  return agent.get(callbackPath(journey.callbackUrl));
}
