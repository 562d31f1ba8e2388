import { expect } from 'chai';
import supertest from 'supertest';
import type { CognitoLocal } from '../../src/testing';
import { hostKit } from '../helpers/host-kit';
import { buildHostApp } from './host-app';

/** What Chrome sends when a person opens a page (a top-level navigation). */
const NAVIGATION = {
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Site': 'same-origin',
};

/** Each row of the rule (docs/api.md): the request's headers, and whether it gets 401 JSON or the 303. */
const ROWS: Array<{ name: string; headers: Record<string, string>; json: boolean }> = [
  { name: 'a browser navigation (Sec-Fetch-Mode: navigate, Accept with text/html)', headers: NAVIGATION, json: false },
  { name: 'no Accept header at all (and no Sec-Fetch-* headers)', headers: {}, json: false },
  { name: 'an empty Accept header', headers: { Accept: '' }, json: false },
  { name: 'Accept: text/html only', headers: { Accept: 'text/html' }, json: false },
  { name: 'Sec-Fetch-Mode: cors (fetch)', headers: { ...NAVIGATION, 'Sec-Fetch-Mode': 'cors' }, json: true },
  { name: 'Sec-Fetch-Mode: same-origin (fetch)', headers: { ...NAVIGATION, 'Sec-Fetch-Mode': 'same-origin' }, json: true },
  { name: 'Sec-Fetch-Mode: no-cors (an <img> or <script>)', headers: { ...NAVIGATION, 'Sec-Fetch-Mode': 'no-cors' }, json: true },
  { name: 'Sec-Fetch-Dest: empty (fetch, XHR)', headers: { Accept: NAVIGATION.Accept, 'Sec-Fetch-Dest': 'empty' }, json: true },
  { name: 'X-Requested-With: XMLHttpRequest', headers: { ...NAVIGATION, 'X-Requested-With': 'XMLHttpRequest' }, json: true },
  { name: 'Accept: */* (fetch’s default, curl’s)', headers: { Accept: '*/*' }, json: true },
  { name: 'Accept: application/json', headers: { Accept: 'application/json' }, json: true },
  { name: 'Accept: text/html;q=0, */* (HTML refused)', headers: { Accept: 'text/html;q=0, */*' }, json: true },
  {
    name: 'Accept: application/json, text/html;q=0.9 (JSON ranked above HTML)',
    headers: { Accept: 'application/json, text/html;q=0.9' },
    json: true,
  },
];

describe('requiresAuth() for a signed-out request: 401 JSON for what is not a page navigation', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;

  before(async () => {
    cognito = await hostKit();
  });

  for (const row of ROWS) {
    it(`${row.name}: ${row.json ? '401 JSON' : '303 to the sign-in page'}`, async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/dashboard').set(row.headers);
      if (row.json) {
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ error: 'unauthenticated', signInUrl: '/account/login?returnTo=%2Fdashboard&notice=signed_in_required' });
      } else {
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal('/account/login?returnTo=%2Fdashboard&notice=signed_in_required');
      }
    });
  }

  it('{ json: true }: 401 JSON for a browser navigation too', async () => {
    const { app } = buildHostApp(cognito);
    const res = await supertest(app).get('/api/always-json').set(NAVIGATION).expect(401);
    expect((res.body as { error?: string }).error).to.equal('unauthenticated');
  });

  it('{ signedOutTo }: a navigation goes there, a fetch still gets 401 JSON', async () => {
    const { app } = buildHostApp(cognito);
    const page = await supertest(app).get('/members').set(NAVIGATION).expect(303);
    expect(page.headers.location).to.equal('/');
    const api = await supertest(app).get('/members').set({ Accept: '*/*', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' }).expect(401);
    expect((api.body as { error?: string }).error).to.equal('unauthenticated');
  });
});
