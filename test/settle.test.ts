import { expect } from 'chai';
import type { Request, Response } from 'express';
import session from 'express-session';
import { asyncHandler } from '../src/async-handler';
import { sessionLifetime } from '../src/auth/lifetimes';
import { createHostedUiStrategy } from '../src/auth/hosted-ui';
import type { PendingAuthorizations } from '../src/auth/pending-authorizations';
import { isSignedInSession, signInScopeOf } from '../src/auth/session-state';
import { sessionKeyOf } from '../src/auth/session-user';
import { settingsFromOptions } from '../src/cognito/settings';
import type { TokenVerifier } from '../src/cognito/tokens';
import { settle } from '../src/settle';
import { IndexedSessionStore } from '../src/sessions/indexed-store';
import { createMemoryUserSessionIndex } from '../src/sessions/user-sessions';
import { REFUSED_PORT } from './helpers/ports';
import { whereErrorsGo, type EscapedErrors } from './helpers/escaped-errors';

/** A callback that throws `error` the first time it is called, and counts its calls. */
function throwingOnce(error: Error): ((...args: unknown[]) => void) & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const callback = (...args: unknown[]) => {
    calls.push(args);
    if (calls.length === 1) throw error;
  };
  return Object.assign(callback, { calls });
}

/** Seen enough once `error` arrived anywhere. */
const arrived = (error: Error) => (seen: EscapedErrors) => [...seen.uncaught, ...seen.unhandled].includes(error);

/** The test issuer's settings shape, on an address where nothing listens (a refused connection, at once). */
function unreachableSettings() {
  const url = `http://127.0.0.1:${REFUSED_PORT}`;
  return settingsFromOptions({
    region: 'local',
    userPoolId: 'local_Pool1',
    clientId: 'client1',
    clientSecret: 'secret',
    domain: url,
    endpoint: url,
    timeoutMs: 1000,
  });
}

const CLAIMS = {
  sub: 'user-1',
  'cognito:username': 'user-1',
  email: 'a@example.com',
  exp: 4_000_000_000,
  iat: 1,
  aud: 'client1',
  iss: 'x',
  token_use: 'id',
};
const verifierDouble = {
  verifyIdToken: () => Promise.resolve(CLAIMS),
  verifyAccessToken: () => Promise.resolve({ sub: 'user-1', exp: 4_000_000_000, client_id: 'client1', token_use: 'access' }),
} as unknown as TokenVerifier;

describe('callbacks handed a promise’s outcome (settle)', () => {
  it('runs only the callback of the outcome, once, and what it throws is an uncaught exception, not an unhandled rejection', async () => {
    const error = new Error('thrown by onFulfilled');
    const onRejected = throwingOnce(new Error('never'));
    const seen = await whereErrorsGo(
      () =>
        settle(
          Promise.resolve(1),
          () => {
            throw error;
          },
          onRejected,
        ),
      arrived(error),
    );
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
    expect(onRejected.calls, 'onRejected').to.deep.equal([]);
  });

  it('hands a rejection to onRejected alone', async () => {
    const reason = new Error('rejected');
    const onFulfilled = throwingOnce(new Error('never'));
    const rejected: unknown[] = [];
    const seen = await whereErrorsGo(
      () => settle(Promise.reject(reason), onFulfilled, (err) => rejected.push(err)),
      () => rejected.length > 0,
    );
    expect(rejected).to.deep.equal([reason]);
    expect(onFulfilled.calls).to.deep.equal([]);
    expect(seen).to.deep.equal({ uncaught: [], unhandled: [] });
  });
});

describe('a callback that throws, where the package hands it a promise’s outcome (doubles)', () => {
  it('the Hosted UI strategy’s verify calls its `done` once, and a throw there is not an unhandled rejection', async () => {
    const strategy = createHostedUiStrategy({
      settings: unreachableSettings(),
      callbackUrl: 'http://localhost:3000/callback',
      verifier: verifierDouble,
      pendingAuthorizations: {} as PendingAuthorizations,
    }) as unknown as { _verify: (...args: unknown[]) => void };
    const error = new Error('thrown by passport-openidconnect’s callback');
    const done = throwingOnce(error);
    const seen = await whereErrorsGo(() => strategy._verify('iss', {}, {}, 'id-token', 'access-token', 'refresh-token', {}, done), arrived(error));
    expect(done.calls.length, '`done` calls').to.equal(1);
    expect(done.calls[0]?.[1]).to.deep.include({ sub: 'user-1', provider: 'hosted-ui' });
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
  });

  it('the Hosted UI token call calls back once, and a throw there is not an unhandled rejection', async () => {
    const strategy = createHostedUiStrategy({
      settings: unreachableSettings(),
      callbackUrl: 'http://localhost:3000/callback',
      verifier: verifierDouble,
      pendingAuthorizations: {} as PendingAuthorizations,
    }) as unknown as { createTokenCaller(base: object, verifier: string): { getOAuthAccessToken(code: string, params: object, cb: unknown): void } };
    const error = new Error('thrown by the oauth library’s callback');
    const callback = throwingOnce(error);
    const caller = strategy.createTokenCaller({}, 'code-verifier');
    const seen = await whereErrorsGo(() => caller.getOAuthAccessToken('code', {}, callback), arrived(error));
    expect(callback.calls.length, 'callback calls').to.equal(1);
    expect((callback.calls[0]?.[0] as { code?: unknown }).code, 'the token endpoint could not be reached').to.equal('upstream_unavailable');
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
  });

  it('the session store’s guarded write calls back once, and a throw there is not an unhandled rejection', async () => {
    const store = new IndexedSessionStore(new session.MemoryStore(), createMemoryUserSessionIndex(), isSignedInSession);
    const key = sessionKeyOf('https://issuer.example', 'client1');
    const signedIn = {
      cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
      [key]: { issuer: 'https://issuer.example', clientId: 'client1', user: { sub: 'user-1' } },
    } as unknown as session.SessionData;
    const error = new Error('thrown by express-session’s callback');
    const cb = throwingOnce(error);
    const seen = await whereErrorsGo(() => store.set('sid-1', signedIn, cb), arrived(error));
    expect(cb.calls.length, 'callback calls').to.equal(1);
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
  });

  it('an expired sign-in’s lifetime check goes on once, and a throw there is not an unhandled rejection', async () => {
    const scope = signInScopeOf({ issuer: 'https://issuer.example', clientId: 'client1' });
    const check = sessionLifetime({ idleMs: 1000, absoluteMs: 10_000, clock: () => 1_000_000, scope, endExpired: () => Promise.resolve() });
    const req = { session: { [scope.key]: { issuer: scope.issuer, clientId: scope.clientId, createdAt: 1, lastSeenAt: 1 } } } as unknown as Request;
    const error = new Error('thrown by the next handler');
    const next = throwingOnce(error);
    const seen = await whereErrorsGo(() => check(req, {} as Response, next), arrived(error));
    expect(next.calls).to.deep.equal([[]]);
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
  });

  it('asyncHandler hands a rejection to `next` once, and a throw there is not an unhandled rejection', async () => {
    const rejection = new Error('the handler failed');
    const error = new Error('thrown by the error handler');
    const next = throwingOnce(error);
    const handler = asyncHandler(() => Promise.reject(rejection));
    const seen = await whereErrorsGo(() => handler({} as Request, {} as Response, next), arrived(error));
    expect(next.calls).to.deep.equal([[rejection]]);
    expect(seen).to.deep.equal({ uncaught: [error], unhandled: [] });
  });
});
