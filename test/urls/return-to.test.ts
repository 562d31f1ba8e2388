import { expect } from 'chai';
import fc from 'fast-check';
import { safeReturnTo } from '../../src/urls/return-to';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TEST_APP_BASE_URL } from '../helpers/emulator';
import { submit } from '../helpers/forms';
import { signInThroughHostedUi } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

const ORIGIN = new URL(TEST_APP_BASE_URL).origin;

/** Values that leave the origin as they are, or once a browser or URL parser has normalised them. */
const HOSTILE = [
  'https://evil.example/',
  '//evil.example',
  '/\\evil.example',
  '/%2e//evil.example',
  '/%2E%2E//evil.example',
  '/..//evil.example',
  '/.//evil.example',
  '/a/..//evil.example?x=1#y',
  '/%2e/%2e//evil.example',
  '/\t/evil.example',
  '/%5C/evil.example',
  '%2F%2Fevil.example',
];

/** `location` as a browser resolves it from a page of the app stays on the app's origin. */
function expectOnOrigin(location: string | undefined, what: string) {
  expect(location, what).to.be.a('string');
  expect(new URL(location as string, `${ORIGIN}/login?returnTo=x`).origin, `${what}: ${location}`).to.equal(ORIGIN);
}

/** The `returnTo` a link or form action carries onward, if any. */
function carriedReturnTo(url: string): string | null {
  return new URL(url.replace(/&amp;/g, '&'), ORIGIN).searchParams.get('returnTo');
}

/** Pieces open redirects are made of: slashes, dots, their encodings, hosts, schemes. */
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '%252f',
  '%09',
  '\t',
  '@',
  ':',
  '?',
  '#',
  '%',
  'evil.example',
  'a',
  'https:',
);
const pathLike = fc.oneof(
  fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => `/${parts.join('')}`),
  fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
  fc.webPath(),
  fc.webUrl(),
  fc.string(),
);

describe('safeReturnTo', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeReturnTo('/complete')).to.equal('/complete');
    expect(safeReturnTo('/a/b?x=1&y=2')).to.equal('/a/b?x=1&y=2');
  });

  it('returns the normalised path that will be sent', () => {
    expect(safeReturnTo('/a/../complete')).to.equal('/complete');
    expect(safeReturnTo('/%2e/complete?x=1')).to.equal('/complete?x=1');
  });

  for (const bad of [
    ...HOSTILE,
    '\\\\evil.example',
    '/%2F%2Fevil.example',
    '/%252F%252Fevil.example',
    'javascript:alert(1)',
    ' /complete',
    '/\tcomplete',
    'complete',
    '/%5Cevil.example',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(safeReturnTo(bad)).to.equal(undefined);
    });
  }

  it('refuses non-strings (repeated parameters) and very long values', () => {
    expect(safeReturnTo(['/a', '/b'])).to.equal(undefined);
    expect(safeReturnTo(`/${'a'.repeat(600)}`)).to.equal(undefined);
  });

  it('never returns anything that, resolved against the app origin, leaves it (property)', () => {
    fc.assert(
      fc.property(pathLike, (value) => {
        // Plain booleans, not chai: this runs thousands of times. fast-check reports the failing input.
        const result = safeReturnTo(value);
        return result === undefined || (/^\/(?![/\\])/.test(result) && new URL(result, `${ORIGIN}/login`).origin === ORIGIN);
      }),
      { numRuns: 3000, examples: HOSTILE.map((value) => [value]) },
    );
  });

  // The Hosted UI keeps the result in the pending authorization and judges it again on the way back.
  it('gives back the same path when judged again, as the Hosted UI callback does with the stored state (property)', () => {
    fc.assert(
      fc.property(pathLike, (value) => {
        const result = safeReturnTo(value);
        return result === undefined || safeReturnTo(result) === result;
      }),
      { numRuns: 3000 },
    );
  });
});

describe('returnTo, on every way it comes in', () => {
  let t: TestApp;
  let user: { email: string; password: string };
  before(async () => {
    t = buildTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '1000000' } });
    user = await createConfirmedUser();
  });

  it('GET /login and GET /login/hosted carry an on-origin returnTo onward, and a hostile one not at all', async () => {
    /** The returnTo each sign-in form and Hosted UI link of the page carries (null: none). */
    const carriedBy = async (query: string) => {
      const page = await t.agent().get(`/login?${query}`).expect(200);
      const links = [...page.text.matchAll(/(?:action="(\/login(?:\?[^"]*)?)"|href="(\/login\/hosted(?:\?[^"]*)?)")/g)].map(
        (m) => (m[1] ?? m[2]) as string,
      );
      expect(links, `the sign-in form and the Hosted UI link of /login?${query}`).to.have.length(2);
      // /login/hosted called with stray callback parameters restarts with the returnTo it judged.
      const restart = await t.agent().get(`/login/hosted?${query}&code=x`).expect(303);
      return [...links, restart.headers.location as string].map(carriedReturnTo);
    };
    const kept = await carriedBy(`returnTo=${encodeURIComponent('/complete?tab=2')}`);
    expect(kept, 'an on-origin returnTo goes on everywhere').to.deep.equal(kept.map(() => '/complete?tab=2'));
    for (const hostile of HOSTILE) {
      const carried = await carriedBy(`returnTo=${encodeURIComponent(hostile)}`);
      expect(carried, hostile).to.deep.equal(carried.map(() => null));
    }
  });

  it('POST /login sends the person only to an on-origin page, whatever the query or a form field says', async () => {
    for (const hostile of HOSTILE) {
      const path = `/login?returnTo=${encodeURIComponent(hostile)}`;
      const byQuery = await submit(t.agent(), path, path, user);
      expect(byQuery.status, `POST ${path}`).to.equal(303);
      expectOnOrigin(byQuery.headers.location, `POST ${path}`);

      const byField = await submit(t.agent(), '/login', '/login', { ...user, returnTo: hostile });
      expect(byField.status, `POST /login returnTo=${hostile}`).to.equal(303);
      expect(byField.headers.location).to.equal('/profile');
    }
  });

  it('a Hosted UI sign-in started with a hostile returnTo comes back on the origin', async () => {
    for (const hostile of ['/%2e//evil.example', '/..//evil.example', '//evil.example']) {
      const callback = await signInThroughHostedUi(t.agent(), user, `/login/hosted?returnTo=${encodeURIComponent(hostile)}`);
      expect(callback.status).to.equal(303);
      expect(callback.headers.location, hostile).to.equal('/profile');
    }
  });
});
