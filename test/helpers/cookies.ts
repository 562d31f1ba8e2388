import { expect } from 'chai';

/** The `sid=…` pair a response sets (for a Cookie header), if it sets one. */
export function sidOf(res: { headers: Record<string, unknown> }): string | undefined {
  return ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('sid='))?.split(';')[0];
}

/** The production `__Host-sid` Set-Cookie header a response sends (whole, with its attributes); fails the test without one. */
export function hostCookieOf(res: { headers: Record<string, unknown> }): string {
  const cookie = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('__Host-sid='));
  expect(cookie, 'a __Host-sid Set-Cookie').to.be.a('string');
  return cookie as string;
}

/** The signed-out forms' CSRF cookie pair a response sets (`sid.csrf=…`, or whatever `name` says), if it sets one. */
export function csrfCookieOf(res: { headers: Record<string, unknown> }, name = 'sid.csrf'): string | undefined {
  return setCookieOf(res, name)?.split(';')[0];
}

/** The whole Set-Cookie header (with its attributes) a response sends for cookie `name`, if it sends one. */
export function setCookieOf(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  return ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
}
