import { expect } from 'chai';
import { loadConfig } from '../../src/app/config';
import { ConfigError } from '../../src/app/config-error';
import { cognitoAuth, CognitoAuthError, createMemoryStore, type CognitoAuthOptions } from '../../src/index';
import { resolveOptions } from '../../src/router/options';
import { suiteCognito } from '../helpers/host-apps';

/** The problems cognitoAuth() names for `options` (none: []). */
function problemsOf(options: CognitoAuthOptions): readonly string[] {
  try {
    cognitoAuth(options);
    return [];
  } catch (err) {
    expect(err).to.be.instanceOf(CognitoAuthError);
    return (err as CognitoAuthError).problems;
  }
}

const SECRET = 'options-secret-options-secret-options-0123';

describe('cognitoAuth() options (one schema: checks and defaults)', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions({ baseUrl: 'http://localhost:3000/', cognito: suiteCognito() });
    expect(o.baseUrl).to.equal('http://localhost:3000');
    expect(o.mountPath, 'inferred from where it is mounted').to.equal(undefined);
    expect(o.production).to.equal(false);
    expect(o.session).to.deep.include({
      own: false,
      secret: undefined,
      cookieName: 'cognito.sid',
      idleMs: 2 * 60 * 60 * 1000,
      absoluteMs: 12 * 60 * 60 * 1000,
      secureCookie: false,
    });
    expect(o.pages).to.deep.equal({ custom: true, signUp: true, hostedUi: true, mailboxOpen: false, revealExistingAccounts: false });
    expect(o.languages).to.deep.equal(['en', 'ja']);
    expect(o.homePath).to.equal('/');
    expect(o.afterSignOutTo).to.equal('/');
    expect(o.defaultReturnTo, 'both land on the profile (or the home page without custom pages)').to.deep.equal({
      hostedUi: undefined,
      custom: undefined,
    });
    expect(o.identityProviders).to.deep.equal([]);
    expect(o.securityHeaders).to.equal(true);
    expect(o.rateLimits).to.deep.equal({
      signInFailures: 5,
      signInFailuresPerEmail: 50,
      signInWindowSeconds: 15 * 60,
      perIpPerMinute: 30,
      signInStartsPerMinute: 30,
      mfaFailuresPerEmail: 10,
      codeFailuresPerAccount: 10,
      store: undefined,
    });
  });

  it('derives the defaults that follow other options', () => {
    const o = resolveOptions({
      baseUrl: 'https://shop.example.com',
      mountPath: 'account/',
      cognito: { ...suiteCognito(), endpoint: undefined },
      session: { store: createMemoryStore(), secret: SECRET },
      pages: { custom: false },
      homePath: '/shop',
      defaultReturnTo: '/orders',
    });
    expect(o.mountPath).to.equal('/account');
    expect(o.production).to.equal(true);
    expect(o.session).to.deep.include({ own: true, cookieName: '__Host-cognito.sid', secureCookie: true, secret: SECRET });
    expect(o.pages.signUp, 'no sign-up without the custom pages').to.equal(false);
    expect(o.afterSignOutTo).to.equal('/shop');
    expect(o.defaultReturnTo).to.deep.equal({ hostedUi: '/orders', custom: '/orders' });
  });

  it('takes session.secret on the host’s express-session (it signs the CSRF cookie), and requires it there in production', () => {
    expect(problemsOf({ baseUrl: 'http://localhost:3000', cognito: suiteCognito(), session: { secret: SECRET } })).to.deep.equal([]);
    expect(problemsOf({ baseUrl: 'http://localhost:3000', cognito: suiteCognito() }), 'outside production, a secret of its own').to.deep.equal([]);
    const problems = problemsOf({ baseUrl: 'https://shop.example.com', cognito: { ...suiteCognito(), endpoint: undefined } });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^session\.secret: required in production on the host’s express-session/);
    expect(
      problemsOf({
        baseUrl: 'https://shop.example.com',
        cognito: { ...suiteCognito(), endpoint: undefined },
        session: { secret: [SECRET, `${SECRET}-old`] },
      }),
    ).to.deep.equal([]);
  });

  it('names every bad option, the cross-option ones after the schema passes', () => {
    expect(
      problemsOf({
        baseUrl: 'http://x',
        cognito: suiteCognito(),
        mountPath: '/a/../b',
        rateLimits: { perIpPerMinute: 0 },
        session: { idleTimeoutSeconds: 5 },
      }).map((p) => p.split(':')[0]),
    ).to.deep.equal(['mountPath', 'session.idleTimeoutSeconds', 'rateLimits.perIpPerMinute']);
    expect(problemsOf({ baseUrl: 'http://x', cognito: suiteCognito(), pages: { custom: false, hostedUi: false } })).to.deep.equal([
      'pages: the custom pages and the Hosted UI cannot both be off',
    ]);
  });

  it('checks an origin with the same rule and words as the reference app’s APP_BASE_URL', () => {
    const option = problemsOf({ baseUrl: 'https://shop.example.com/shop', cognito: suiteCognito(), production: false });
    let variable = '';
    try {
      loadConfig({ APP_BASE_URL: 'https://shop.example.com/shop' });
    } catch (err) {
      variable = (err as ConfigError).problems.find((p) => p.startsWith('APP_BASE_URL')) ?? '';
    }
    expect(option).to.have.length(1);
    expect(option[0]!.replace(/^baseUrl: /, '')).to.equal(variable.replace(/^APP_BASE_URL: /, ''));
  });
});
