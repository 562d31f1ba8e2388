import { expect } from 'chai';
import type { Router } from 'express';
import supertest from 'supertest';
import type { PendingAuthorizations } from '../../src/auth/pending-authorizations';
import { createPassport } from '../../src/auth/passport';
import { settingsFromOptions } from '../../src/cognito/settings';
import type { TokenVerifier } from '../../src/cognito/tokens';
import type { UserService } from '../../src/cognito/user-service';
import { resolveOptions } from '../../src/router/options';
import { ownPathsTest, pageGroupsOf } from '../../src/router/page-groups';
import type { AccountRouteDeps } from '../../src/router/routes/forms';
import { createRateLimiters } from '../../src/router/routes/rate-limit';
import { createMemoryStore } from '../../src/index';
import { createEmulatorMailbox } from '../../src/testing';
import { createMountUrls } from '../../src/urls/mount-urls';
import { buildHostApp, suiteCognito } from '../helpers/host-apps';
import { TEST_APP_BASE_URL } from '../helpers/emulator';

/** The paths of a router's own routes (`router.get('/x')`, …), not of the handlers it runs on several paths. */
function routePaths(router: Router): string[] {
  const stack = (router as unknown as { stack: Array<{ route?: { path: unknown } }> }).stack;
  return stack.flatMap((layer) => (typeof layer.route?.path === 'string' ? [layer.route.path] : []));
}

/** Every page group of a router with every page on, built with placeholders for what building does not call. */
function everyGroup() {
  const o = resolveOptions({
    baseUrl: TEST_APP_BASE_URL,
    cognito: suiteCognito(),
    session: { store: createMemoryStore(), secret: 's'.repeat(32) },
    pages: { mailbox: createEmulatorMailbox('/nonexistent', 'pool') },
  });
  const settings = settingsFromOptions(o.cognito);
  const urls = createMountUrls({ baseUrl: o.baseUrl, mountPath: '', customPages: true });
  const users = {} as UserService;
  const verifier = {} as TokenVerifier;
  const pendingAuthorizations = {} as PendingAuthorizations;
  const account: AccountRouteDeps = {
    users,
    verifier,
    passport: createPassport({ settings, callbackUrl: urls.callbackUrl, verifier, users, pendingAuthorizations }),
    limiters: createRateLimiters({ rateLimit: o.rateLimits }),
    sessions: {} as AccountRouteDeps['sessions'],
    urls,
    requireAuth: () => (_req, _res, next) => next(),
    clock: Date.now,
    signedInTo: '/profile',
    refuseFederated: () => (_req, _res, next) => next(),
  };
  const deps = {
    account,
    settings,
    client: {} as never,
    pendingAuthorizations,
    mailbox: o.pages.mailbox,
    csrf: (_req: unknown, _res: unknown, next: () => void) => next(),
  };
  return pageGroupsOf(o, true).map((group) => ({ paths: group.paths, routes: routePaths(group.create(deps)) }));
}

describe('the router’s page groups (each declares its own paths and limits)', () => {
  it('serve exactly the paths their modules declare, and no group another’s', () => {
    const groups = everyGroup();
    expect(
      groups.length,
      "sign-up, passkeys, sign-in, two-step, password, profile, e-mail, where you're signed in, mailbox, Hosted UI and sign-out",
    ).to.equal(10);
    for (const { paths, routes } of groups)
      expect([...new Set(routes)].sort(), `the routes of the group of ${paths.join(', ')}`).to.deep.equal([...paths].sort());
    const all = groups.flatMap((g) => g.paths);
    expect(
      all.filter((p, i) => all.indexOf(p) !== i),
      'a path two groups claim',
    ).to.deep.equal([]);
  });

  it('tell the router’s requests from the host’s by those paths: a declared path or one below it, in any case', () => {
    const own = ownPathsTest(['/login', '/login/mfa', '/dev/mailbox', '/public']);
    for (const path of ['/login', '/LOGIN', '/login/', '/login/mfa', '/dev/mailbox', '/public/style.css'])
      expect(own.test(path), path).to.equal(true);
    for (const path of ['/', '/loginx', '/log', '/dev', '/dev/other', '/orders/login']) expect(own.test(path), path).to.equal(false);
  });
});

describe('GET /login/hosted (the Hosted UI start)', () => {
  it('counts against its own limit (signInStartsPerMinute) only, not the custom pages’ per-IP limit', async () => {
    const { app } = buildHostApp({
      mounting: 'root',
      at: '/',
      options: { rateLimits: { perIpPerMinute: 2, signInStartsPerMinute: 10 } },
    });
    const agent = supertest.agent(app);
    for (let i = 0; i < 3; i += 1) expect((await agent.get('/login/hosted')).status, `Hosted UI start ${i + 1}`).to.equal(302);
    await agent.get('/login').expect(200);
    await agent.get('/login').expect(200);
    expect((await agent.get('/login')).status, 'the custom pages keep their own limit').to.equal(429);
  });
});

describe('a host page beside the package’s pages', () => {
  it('reaches the host untouched when its path is none of the package’s, though it starts like one (GET /email)', async () => {
    const { app } = buildHostApp({
      mounting: 'root',
      at: '/',
      routes: (host) => host.get('/email', (_req, res) => res.send('the host’s own e-mail page')),
    });
    const res = await supertest(app).get('/email').expect(200);
    expect(res.text).to.equal('the host’s own e-mail page');
    expect(res.headers['content-security-policy'], 'the package’s security headers').to.equal(undefined);
    expect(res.headers['cache-control'], 'the package’s no-store').to.not.equal('no-store');
  });
});
