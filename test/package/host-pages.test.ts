import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { securityHeaders, type CognitoLocals } from '../../src/index';
import type { CognitoLocal, TestUser } from '../../src/testing';
import { hostKit } from '../helpers/host-kit';
import { buildHostApp, escapeHtml } from './host-app';

/** A session store that counts what is written to it. */
class CountingStore extends session.MemoryStore {
  writes = 0;

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.writes += 1;
    super.set(sid, data, callback);
  }
}

/** The sign-out form on a page: its action and its `_csrf` value. */
function signOutFormOf(html: string): { action: string; csrf: string } {
  const form = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html);
  expect(form, 'a sign-out form with its CSRF token').to.not.equal(null);
  return { action: form![1]!, csrf: form![2]! };
}

/** A Content-Security-Policy header's directives, by name. */
function cspDirectives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values];
    }),
  );
}

describe('the host’s own pages (res.locals.cognito and the CSP nonce)', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;
  let user: TestUser;

  before(async () => {
    cognito = await hostKit();
    user = await cognito.createUser();
  });

  describe('GET /shop (the host’s own ejs page)', () => {
    it('signed out: links to the sign-in page, coming back to the page, and stores no session', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/shop?aisle=3').expect(200);
      expect(res.text).to.contain('<a class="shop-sign-in" href="/account/login?returnTo=%2Fshop%3Faisle%3D3">Sign in</a>');
      expect(res.text).to.not.contain('<form');
      expect(res.headers['set-cookie']).to.equal(undefined);
    });

    it('signed in: a plain form posting signOut.action with _csrf signs out, and the page then offers sign-in again', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      const page = await agent.get('/shop').expect(200);
      expect(page.text).to.contain(`<span class="shop-user">${escapeHtml(user.email)}</span>`);
      const form = signOutFormOf(page.text);
      expect(form.action).to.equal('/account/logout');
      const out = await agent.post(form.action).type('form').send({ _csrf: form.csrf }).expect(303);
      expect(out.headers.location).to.equal('/?notice=signed_out');
      expect(((await agent.get('/whoami').expect(200)).body as { signedIn: boolean }).signedIn).to.equal(false);
      expect((await agent.get('/shop').expect(200)).text).to.contain('class="shop-sign-in"');
    });

    it('signed in: a sign-out posted without _csrf is refused (403) and the person stays signed in', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      await agent.post('/account/logout').type('form').send({}).expect(403);
      expect(((await agent.get('/whoami').expect(200)).body as { signedIn: boolean }).signedIn).to.equal(true);
    });
  });

  describe('a page of plain HTML and a JSON API', () => {
    it('GET /shop-plain: the form built from res.locals.cognito.signOut signs out', async () => {
      const { app } = buildHostApp(cognito);
      const agent = await cognito.signedInAgent(app, user);
      const form = signOutFormOf((await agent.get('/shop-plain').expect(200)).text);
      await agent.post(form.action).type('form').send({ _csrf: form.csrf }).expect(303);
      expect(((await agent.get('/whoami').expect(200)).body as { signedIn: boolean }).signedIn).to.equal(false);
    });

    it('GET /api/session: JSON with the user, signInUrl and signOut; a form posted from it signs out', async () => {
      const { app } = buildHostApp(cognito);
      const signedOut = (await supertest(app).get('/api/session').expect(200)).body as Record<string, unknown>;
      expect(signedOut).to.deep.equal({ signInUrl: '/account/login?returnTo=%2Fapi%2Fsession' });
      const agent = await cognito.signedInAgent(app, user);
      const body = (await agent.get('/api/session').expect(200)).body as CognitoLocals;
      expect(body.user?.email).to.equal(user.email);
      expect(body.user?.sub).to.equal(user.sub);
      expect(body.signOut?.action).to.equal('/account/logout');
      expect(body.signOut?.csrfToken).to.be.a('string').with.length.above(16);
      await agent.post(body.signOut!.action).type('form').send({ _csrf: body.signOut!.csrfToken }).expect(303);
      expect((await agent.get('/api/session').expect(200)).body).to.deep.equal({ signInUrl: '/account/login?returnTo=%2Fapi%2Fsession' });
    });

    it('makes no session write for a page that does not read the sign-out token', async () => {
      const store = new CountingStore();
      const { app } = buildHostApp(cognito, {}, store);
      const agent = await cognito.signedInAgent(app, user);
      const before = store.writes;
      expect((await agent.get('/api/user').expect(200)).body).to.deep.equal({ email: user.email });
      expect((await agent.get('/api/user').expect(200)).body).to.deep.equal({ email: user.email });
      expect(store.writes, 'no write for pages that read only the user').to.equal(before);
    });

    it('is on the router’s own routes too (a host layout or template override can read it)', async () => {
      let seen: CognitoLocals | undefined;
      const { app } = buildHostApp(cognito, {
        render: {
          layout: (page) => {
            seen = page.res.locals.cognito as CognitoLocals;
            return page.body;
          },
        },
      });
      const agent = await cognito.signedInAgent(app, user);
      await agent.get('/account/profile').expect(200);
      expect(seen?.user?.email).to.equal(user.email);
      expect(seen?.signOut?.action).to.equal('/account/logout');
    });
  });

  describe('the CSP nonce', () => {
    it('lets the host layout’s inline <style nonce> and <script nonce> run under the package’s CSP, with a new nonce per response', async () => {
      const { app } = buildHostApp(cognito);
      const nonces: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const res = await supertest(app).get('/account/login').set('Accept-Language', 'en').expect(200);
        const directives = cspDirectives(res.headers['content-security-policy'] as string);
        const nonce = /<style nonce="([^"]+)">/.exec(res.text)?.[1];
        expect(nonce, 'the layout got page.cspNonce').to.be.a('string').with.length.above(20);
        expect(res.text).to.contain(`<script nonce="${nonce}">`);
        expect(directives['script-src']).to.deep.equal(["'self'", `'nonce-${nonce}'`]);
        expect(directives['style-src']).to.deep.equal(["'self'", `'nonce-${nonce}'`]);
        expect(directives['default-src']).to.deep.equal(["'self'"]);
        expect(res.headers['content-security-policy']).to.not.contain('unsafe-inline');
        nonces.push(nonce!);
      }
      expect(nonces[0]).to.not.equal(nonces[1]);
    });

    it('gives the layout page.head: the package’s stylesheet and script, with the nonce and the labels in the page’s language', async () => {
      const { app } = buildHostApp(cognito);
      const res = await supertest(app).get('/account/login').set('Accept-Language', 'ja').expect(200);
      const nonce = /<style nonce="([^"]+)">/.exec(res.text)![1]!;
      expect(res.text).to.contain(`<link rel="stylesheet" href="/account/public/style.css" nonce="${nonce}">`);
      expect(res.text).to.match(
        new RegExp(
          `<script src="/account/public/app\\.js" defer nonce="${nonce.replace(/[+/]/g, '\\$&')}" data-show-password="[^"a-zA-Z]+" data-hide-password="[^"a-zA-Z]+"></script>`,
        ),
      );
    });

    it('gives host pages behind securityHeaders() res.locals.cspNonce, allowed by that response’s CSP', async () => {
      const app = express();
      app.use(securityHeaders({ cognitoOrigin: 'https://auth.example.com', production: false }));
      app.get('/', (_req, res) => res.send(`<script nonce="${escapeHtml(res.locals.cspNonce as string)}">1</script>`));
      const res = await supertest(app).get('/').expect(200);
      const nonce = /<script nonce="([^"]+)">/.exec(res.text)![1]!;
      expect(cspDirectives(res.headers['content-security-policy'] as string)['script-src']).to.deep.equal(["'self'", `'nonce-${nonce}'`]);
    });
  });
});
