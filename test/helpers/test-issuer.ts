import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type GenerateKeyPairResult, type JWTPayload, type CryptoKey } from 'jose';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoClient } from '../../src/cognito/client';
import type { CognitoSettings } from '../../src/cognito/settings';
import type { TestApp } from './app';
import { sidOf } from './cookies';

/** How the test issuer forges the ID token for one sign-in. */
export interface Forgery {
  /** Changes to the otherwise valid claims. */
  claims?: (valid: JWTPayload) => JWTPayload;
  /** Changes to the otherwise valid claims of the access token (always signed with the current key). */
  access?: (valid: JWTPayload) => JWTPayload;
  /**
   * Sign with another key (still announcing the published kid), with HS256 and the public key, or not at
   * all; or send something that is not a JWT, or no ID token.
   */
  signing?: 'valid' | 'other-key' | 'hs256-with-public-key' | 'none' | 'unknown-kid' | 'not-a-jwt' | 'absent';
}

/** A small OpenID provider of our own, playing a hostile Cognito for the token-validation negatives. */
export interface TestIssuer {
  url: string;
  settings: CognitoSettings;
  /** An SDK client pointed at the issuer (it answers no API call: revocation and the like fail there). */
  client: CognitoIdentityProviderClient;
  /** The forgery used for the next token responses (sign-ins and refreshes alike). */
  forge(forgery: Forgery): void;
  /** How many times its JWKS was fetched. */
  jwksFetches(): number;
  /** Key rotation: publishes a new signing key beside the old one (new kid) and signs with it from now on. */
  rotateKey(): Promise<void>;
  /** While down, the JWKS answers 503. */
  jwksDown(down: boolean): void;
  /** While down, the token endpoint drops every connection unanswered (Cognito unreachable). */
  tokenEndpointDown(down: boolean): void;
  stop(): Promise<void>;
}

export const TEST_ISSUER_CLIENT_ID = 'testissuerclient1';
export const TEST_ISSUER_CLIENT_SECRET = 'test-issuer-secret-value';

/** The refresh token every sign-in at the issuer gets (and its refresh grant accepts). */
export const TEST_ISSUER_REFRESH_TOKEN = 'opaque-refresh';

/**
 * RSA key pairs, made once per process and shared by its issuers: making an RSA-2048 key takes about a
 * quarter of a second of CPU, and the suite starts over a dozen issuers. Within one issuer the keys differ,
 * as its tests need: the key it signs with (0), one it never publishes (1), and those `rotateKey` brings in
 * (2, 3, …). Each issuer has its own address, which its tokens carry as `iss`.
 */
const keyPairs: Array<Promise<GenerateKeyPairResult>> = [];
function keyPair(index: number): Promise<GenerateKeyPairResult> {
  keyPairs[index] ??= generateKeyPair('RS256', { extractable: true });
  return keyPairs[index];
}

/**
 * Starts the issuer on a free port. Its token endpoint insists on client_secret_basic and a PKCE
 * verifier that matches the challenge, like real Cognito with a secret-bearing client, and answers the
 * refresh grant for its one refresh token.
 */
export async function startTestIssuer(options: { nonce?: boolean } = {}): Promise<TestIssuer> {
  const first = await keyPair(0);
  const other = await keyPair(1);
  const published = [{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }];
  const publicJwk = published[0]!;
  let signingKey = { privateKey: first.privateKey, kid: 'k1' };
  const codes = new Map<string, { challenge: string; nonce?: string }>();
  let forgery: Forgery = {};
  let jwksFetches = 0;
  let jwksDown = false;
  let tokenEndpointDown = false;
  let url = '';

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://issuer');
    if (req.method === 'GET' && u.pathname === '/.well-known/jwks.json') {
      jwksFetches += 1;
      if (jwksDown) {
        res.writeHead(503).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
      return;
    }
    if (u.pathname === '/oauth2/token' && tokenEndpointDown) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'GET' && u.pathname === '/oauth2/authorize') {
      const code = randomUUID();
      codes.set(code, { challenge: u.searchParams.get('code_challenge') ?? '', nonce: u.searchParams.get('nonce') ?? undefined });
      const back = new URL(u.searchParams.get('redirect_uri') as string);
      back.searchParams.set('code', code);
      back.searchParams.set('state', u.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && u.pathname === '/oauth2/token') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        answerToken(req, new URLSearchParams(body)).then(
          ({ status, json }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
          // A failure of the issuer itself answers as Cognito's would: a 500, never a request left hanging.
          () => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'server_error' })),
        );
      });
      return;
    }
    res.writeHead(404).end();
  });

  async function answerToken(req: http.IncomingMessage, form: URLSearchParams) {
    const expectedAuth = `Basic ${Buffer.from(`${TEST_ISSUER_CLIENT_ID}:${TEST_ISSUER_CLIENT_SECRET}`).toString('base64')}`;
    if (req.headers.authorization !== expectedAuth) return { status: 401, json: { error: 'invalid_client' } };
    if (form.get('grant_type') === 'refresh_token') {
      if (form.get('refresh_token') !== TEST_ISSUER_REFRESH_TOKEN) return { status: 400, json: { error: 'invalid_grant' } };
      // As Cognito: new ID and access tokens, no new refresh token.
      const { refresh_token: _same, ...tokens } = await issueTokens(undefined);
      return { status: 200, json: tokens };
    }
    const pending = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!pending) return { status: 400, json: { error: 'invalid_grant' } };
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
      return { status: 400, json: { error: 'invalid_grant', error_description: 'PKCE verification failed' } };
    }
    return { status: 200, json: await issueTokens(pending.nonce) };
  }

  async function issueTokens(nonce: string | undefined) {
    const now = Math.floor(Date.now() / 1000);
    const valid: JWTPayload = {
      iss: url,
      aud: TEST_ISSUER_CLIENT_ID,
      sub: 'hostile-sub',
      'cognito:username': 'hostile-user',
      email: 'hostile@example.com',
      token_use: 'id',
      auth_time: now,
      iat: now,
      exp: now + 3600,
      ...(nonce ? { nonce } : {}),
    };
    const claims = forgery.claims ? forgery.claims(valid) : valid;
    const validAccess: JWTPayload = {
      iss: url,
      sub: valid.sub,
      client_id: TEST_ISSUER_CLIENT_ID,
      token_use: 'access',
      scope: 'openid email',
      iat: now,
      exp: now + 3600,
    };
    const access = forgery.access ? forgery.access(validAccess) : validAccess;
    const accessToken = await new SignJWT(access).setProtectedHeader({ alg: 'RS256', kid: signingKey.kid }).sign(signingKey.privateKey);
    const idToken = forgery.signing === 'absent' ? undefined : await sign(claims);
    return { id_token: idToken, access_token: accessToken, refresh_token: TEST_ISSUER_REFRESH_TOKEN, token_type: 'Bearer', expires_in: 3600 };
  }

  async function sign(claims: JWTPayload): Promise<string> {
    const signing = forgery.signing ?? 'valid';
    if (signing === 'none') return new UnsecuredJWT(claims).encode();
    if (signing === 'not-a-jwt') return 'not-a-jwt';
    if (signing === 'hs256-with-public-key') {
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(secret);
    }
    const key: CryptoKey = signing === 'other-key' ? other.privateKey : signingKey.privateKey;
    const kid = signing === 'unknown-kid' ? 'k-unknown' : signingKey.kid;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createCognitoClient({ region: 'test', endpoint: url, timeoutMs: 1000 });
  return {
    url,
    client,
    settings: {
      emulator: false,
      region: 'test',
      userPoolId: 'test_pool',
      clientId: TEST_ISSUER_CLIENT_ID,
      clientSecret: TEST_ISSUER_CLIENT_SECRET,
      issuer: url,
      authorizationUrl: `${url}/oauth2/authorize`,
      tokenUrl: `${url}/oauth2/token`,
      jwksUri: `${url}/.well-known/jwks.json`,
      logoutUrl: `${url}/logout`,
      apiEndpoint: url,
      nonce: options.nonce ?? false,
      timeoutMs: 2000,
      contextData: false,
    },
    forge: (f) => {
      forgery = f;
    },
    jwksFetches: () => jwksFetches,
    async rotateKey() {
      const next = await keyPair(published.length + 1);
      const kid = `k${published.length + 1}`;
      published.push({ ...(await exportJWK(next.publicKey)), kid, alg: 'RS256', use: 'sig' });
      signingKey = { privateKey: next.privateKey, kid };
    },
    jwksDown: (down) => {
      jwksDown = down;
    },
    tokenEndpointDown: (down) => {
      tokenEndpointDown = down;
    },
    stop: () =>
      new Promise((resolve) => {
        client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A sign-in at the test issuer as a browser makes it: GET /login/hosted, the issuer redirects straight
 * back with a code, GET the callback. Returns the callback's response and the pre-login session cookie.
 * `loginPath` may name a provider (`/login/hosted?provider=Google`); the issuer ignores it, as cognito-local does.
 */
export async function signInAtIssuer(t: TestApp, headers: Record<string, string> = {}, loginPath = '/login/hosted') {
  const agent = t.agent();
  const login = await agent.get(loginPath).set(headers).expect(302);
  const authorize = await fetch(login.headers.location as string, { redirect: 'manual' });
  const callback = new URL(authorize.headers.get('location') as string);
  const res = await agent.get(callback.pathname + callback.search).set(headers);
  return { agent, res, loginCookie: sidOf(login) };
}
