import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { expect } from 'chai';
import { developmentEnvFile, productionEnvFile, type PoolEnv } from '../../infra/lib/env-files';
import { CONFIG_VARIABLES, ConfigError, loadConfig, loadDotEnv } from '../../src/app/config';
import { buildTestApp, problemsOf } from '../helpers/app';
import { startTestIssuer } from '../helpers/test-issuer';

const REAL = {
  COGNITO_REGION: 'ap-northeast-1',
  COGNITO_USER_POOL_ID: 'ap-northeast-1_AbCdEf123',
  COGNITO_CLIENT_ID: 'abc123def456',
  COGNITO_CLIENT_SECRET: 'shh',
  COGNITO_DOMAIN: 'auth.example.com',
  APP_BASE_URL: 'https://app.example.com',
};

/** What the CDK stack's outputs hold for a deployed pool (infra/lib/env-files.ts renders them). */
const STACK_POOL: PoolEnv = {
  region: 'ap-northeast-1',
  userPoolId: 'ap-northeast-1_AbCdEf123',
  clientId: 'abc123def456',
  domain: 'myapp-signin.auth.ap-northeast-1.amazoncognito.com',
  identityProviders: [],
};

/** An env file as the app reads it: Node's own parser, the one `.env` loading uses. */
function envFileVariables(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

describe('loadConfig', () => {
  it('needs nothing: embedded emulator on 9229, app on 3000, state under .data', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.cognito.mode).to.equal('embedded');
    expect(c.cognito.localPort).to.equal(9229);
    expect(c.dataDir).to.equal(path.resolve('.data'));
    expect(c.appBaseUrl).to.equal('http://localhost:3000');
    expect(c.session.store).to.equal('sqlite');
    expect(c.cognito.nonce, 'cognito-local does not echo a nonce').to.equal(false);
    // The store time limit that keeps every answer within 5 s while a store hangs (the fault tests run a shorter one).
    expect(c.session.storeTimeoutMs).to.equal(2000);
  });

  it('switches to real Cognito when its variables are set, with nonce on and the bare domain (as the console shows it) accepted', () => {
    const c = loadConfig({ ...REAL, SESSION_SECRET: 'x'.repeat(40) });
    expect(c.cognito.mode).to.equal('aws');
    expect(c.cognito.domain).to.equal('https://auth.example.com');
    expect(c.cognito.nonce).to.equal(true);
  });

  it('uses an already running emulator with COGNITO_ENDPOINT', () => {
    const c = loadConfig({ COGNITO_ENDPOINT: 'http://localhost:9229/' });
    expect(c.cognito.mode).to.equal('emulator');
    expect(c.cognito.endpoint).to.equal('http://localhost:9229');
  });

  it('names every missing variable at once in production, and never allows an emulator there', () => {
    const problems = problemsOf({ NODE_ENV: 'production', COGNITO_ENDPOINT: 'http://localhost:9229' });
    const text = problems.join('\n');
    for (const name of [
      'COGNITO_REGION',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'COGNITO_CLIENT_SECRET',
      'COGNITO_DOMAIN',
      'APP_BASE_URL',
      'SESSION_SECRET',
      'COGNITO_ENDPOINT',
    ]) {
      expect(text).to.contain(name);
    }
  });

  it('names each invalid value', () => {
    const problems = problemsOf({ PORT: 'eighty', COGNITO_REGION: 'tokyo', APP_BASE_URL: 'ftp://x', SESSION_STORE: 'disk' });
    expect(problems.join('\n'))
      .to.match(/PORT/)
      .and.match(/COGNITO_REGION/)
      .and.match(/APP_BASE_URL/)
      .and.match(/SESSION_STORE/);
  });

  it('refuses memory sessions, a short secret and plain http in production', () => {
    const problems = problemsOf({
      ...REAL,
      NODE_ENV: 'production',
      APP_BASE_URL: 'http://app.example.com',
      SESSION_STORE: 'memory',
      SESSION_SECRET: 'short',
    });
    expect(problems.join('\n'))
      .to.match(/SESSION_STORE/)
      .and.match(/SESSION_SECRET/)
      .and.match(/APP_BASE_URL/);
  });

  it('accepts a complete production configuration with a __Host- cookie', () => {
    const c = loadConfig({ ...REAL, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.session.cookieName).to.equal('__Host-sid');
  });

  it('treats every variable left empty as unset: the same configuration as an empty environment', () => {
    const empty = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, '']));
    expect(loadConfig(empty)).to.deep.equal(loadConfig({}));
    const blank = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, '  ']));
    expect(loadConfig(blank)).to.deep.equal(loadConfig({}));
  });

  it('gives an empty choice (NODE_ENV=, SESSION_STORE=, LOG_LEVEL=) its default', () => {
    const c = loadConfig({ NODE_ENV: '', SESSION_STORE: '', LOG_LEVEL: '' });
    expect([c.env, c.session.store, c.logLevel]).to.deep.equal(['development', 'sqlite', 'info']);
  });

  it('gives an empty number (PORT=, COGNITO_LOCAL_PORT=, timeouts, rate limits) its default', () => {
    const c = loadConfig({
      PORT: '',
      COGNITO_LOCAL_PORT: '',
      SESSION_IDLE_TIMEOUT_SECONDS: '',
      COGNITO_TIMEOUT_MS: '',
      RATE_LIMIT_IP_PER_MINUTE: '',
    });
    expect([c.port, c.cognito.localPort, c.session.idleTimeoutSeconds, c.cognito.timeoutMs, c.rateLimit.perIpPerMinute]).to.deep.equal([
      3000, 9229, 7200, 5000, 30,
    ]);
  });

  it('gives an empty switch (TRUST_PROXY=, DEV_MAILBOX_OPEN=, OIDC_NONCE=) its default', () => {
    const c = loadConfig({ TRUST_PROXY: '', DEV_MAILBOX_OPEN: '', OIDC_NONCE: '' });
    expect([c.trustProxy, c.devMailboxOpen, c.cognito.nonce]).to.deep.equal([false, false, false]);
  });

  it('gives an empty address or path (APP_BASE_URL=, HOST=, DATA_DIR=) its default, and an empty COGNITO_* means no Cognito configured', () => {
    const c = loadConfig({ APP_BASE_URL: '', HOST: '', DATA_DIR: '', COGNITO_ENDPOINT: '', COGNITO_USER_POOL_ID: '', COGNITO_DOMAIN: '' });
    expect([c.appBaseUrl, c.host, c.dataDir, c.cognito.mode]).to.deep.equal([
      'http://localhost:3000',
      '127.0.0.1',
      path.resolve('.data'),
      'embedded',
    ]);
  });

  it('counts an empty secret as missing in production, and names nothing else', () => {
    const problems = problemsOf({ ...REAL, NODE_ENV: 'production', SESSION_SECRET: '', SESSION_STORE: '', TRUST_PROXY: '' });
    expect(problems).to.deep.equal(['SESSION_SECRET: required when NODE_ENV=production (at least 32 characters)']);
  });

  it('refuses the same port for the app and its embedded emulator', () => {
    expect(problemsOf({ PORT: '9229' })).to.deep.equal([
      'COGNITO_LOCAL_PORT: the same port as PORT; the app and its embedded emulator each need their own',
    ]);
    expect(loadConfig({ PORT: '9229', COGNITO_LOCAL_PORT: '9230' }).port).to.equal(9229);
  });

  it("accepts COGNITO_REGION=local (cognito-local's convention) with the embedded emulator and with COGNITO_ENDPOINT", () => {
    expect(loadConfig({ COGNITO_REGION: 'local' }).cognito.region).to.equal('local');
    const external = loadConfig({ COGNITO_REGION: 'local', COGNITO_ENDPOINT: 'http://localhost:9229' });
    expect([external.cognito.mode, external.cognito.region]).to.deep.equal(['emulator', 'local']);
  });

  it('refuses COGNITO_REGION=local for real Cognito, saying which region it needs', () => {
    const problems = problemsOf({ ...REAL, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), COGNITO_REGION: 'local' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^COGNITO_REGION: local is cognito-local's placeholder; real Amazon Cognito needs the pool's region/);
  });

  it('treats an https APP_BASE_URL with NODE_ENV unset as production: no emulator, a SESSION_SECRET, the Secure __Host- cookie', () => {
    const c = loadConfig({ ...REAL, SESSION_SECRET: 'x'.repeat(40) });
    expect([c.env, c.envReason, c.cognito.mode, c.session.cookieName]).to.deep.equal(['production', 'https APP_BASE_URL', 'aws', '__Host-sid']);
    // What would start the development set-up on http is refused, and the message says why and the way out.
    const problems = problemsOf({ APP_BASE_URL: 'https://app.example.com' });
    const text = problems.join('\n');
    for (const name of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_DOMAIN', 'SESSION_SECRET']) {
      expect(text).to.contain(`${name}: required`);
    }
    expect(problems.at(-1)).to.match(/^NODE_ENV: unset, and APP_BASE_URL is https:\/\/, so production settings apply .*set NODE_ENV=development/);
    expect(
      problemsOf({ APP_BASE_URL: 'https://app.example.com', COGNITO_ENDPOINT: 'http://localhost:9229', SESSION_SECRET: 'x'.repeat(40) }).join('\n'),
    ).to.contain('COGNITO_ENDPOINT: an emulator is never used when NODE_ENV=production');
  });

  it('keeps the development set-up on an https APP_BASE_URL when NODE_ENV=development is set on purpose', () => {
    const c = loadConfig({ NODE_ENV: 'development', APP_BASE_URL: 'https://dev.example.test' });
    expect([c.env, c.envReason, c.cognito.mode, c.session.cookieName]).to.deep.equal(['development', 'NODE_ENV', 'embedded', 'sid']);
    expect(loadConfig({ APP_BASE_URL: 'http://localhost:3000' })).to.deep.include({ env: 'development', envReason: 'default' });
  });

  it("runs real Cognito from http://localhost with the CDK stack's development env file, and says where the client secret comes from until it is filled in", () => {
    const file = envFileVariables(developmentEnvFile(STACK_POOL, 'http://localhost:3000'));
    expect(problemsOf(file)).to.deep.equal([
      "COGNITO_CLIENT_SECRET: required to use real Amazon Cognito (the app client's secret: the CDK stack's CognitoClientSecretCommand output prints it)",
    ]);
    const c = loadConfig({ ...file, COGNITO_CLIENT_SECRET: 'the-secret' });
    expect(c.env).to.equal('development');
    expect(c.cognito.mode).to.equal('aws');
    expect(c.appBaseUrl).to.equal('http://localhost:3000');
    expect(c.cognito.domain).to.equal(`https://${STACK_POOL.domain}`);
    expect(c.session.cookieName, 'no __Host- cookie over http').to.equal('sid');
  });

  it("refuses the stack's production env file with an http://localhost base URL, pointing to development mode", () => {
    const file = envFileVariables(productionEnvFile(STACK_POOL, 'http://localhost:3000'));
    const problems = problemsOf({ ...file, COGNITO_CLIENT_SECRET: 'the-secret', SESSION_SECRET: 'x'.repeat(40) });
    expect(problems).to.deep.equal([
      'APP_BASE_URL: must be https:// when NODE_ENV=production (http://localhost is for development: NODE_ENV=development)',
    ]);
  });
});

describe('the reference app on an https APP_BASE_URL with NODE_ENV unset', () => {
  it('sets its session cookie Secure, with the __Host- prefix, and has no offline mailbox', async () => {
    const issuer = await startTestIssuer();
    try {
      const config = loadConfig({
        APP_BASE_URL: 'https://app.example.com',
        TRUST_PROXY: 'true',
        SESSION_SECRET: 'p'.repeat(40),
        COGNITO_REGION: 'ap-northeast-1',
        COGNITO_USER_POOL_ID: 'ap-northeast-1_Test',
        COGNITO_CLIENT_ID: issuer.settings.clientId,
        COGNITO_CLIENT_SECRET: issuer.settings.clientSecret,
        COGNITO_DOMAIN: issuer.url,
      });
      const t = buildTestApp({ config, cognito: { settings: issuer.settings, client: issuer.client } });
      const login = await t.agent().get('/login/hosted').set('X-Forwarded-Proto', 'https').expect(302);
      const cookies = (login.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      expect(
        cookies.some((c) => c.startsWith('__Host-sid=') && /;\s*Secure/i.test(c)),
        cookies.join(' | '),
      ).to.equal(true);
      await t.agent().get('/dev/mailbox').set('X-Forwarded-Proto', 'https').expect(404);
    } finally {
      await issuer.stop();
    }
  });
});

describe('loadDotEnv', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads .env from the directory; a variable set in the environment wins, and an empty one counts as unset', () => {
    fs.writeFileSync(path.join(dir, '.env'), '# on its own line\nPORT=5000\nNODE_ENV=production\nLOG_LEVEL="debug"\n');
    const env: Record<string, string | undefined> = { PORT: '4000', NODE_ENV: '' };
    expect(loadDotEnv(dir, env)).to.equal(path.join(dir, '.env'));
    expect(env).to.deep.equal({ PORT: '4000', NODE_ENV: 'production', LOG_LEVEL: 'debug' });
  });

  it('reads nothing and says so when the directory has no .env', () => {
    const env = { PORT: '4000' };
    expect(loadDotEnv(dir, env)).to.equal(undefined);
    expect(env).to.deep.equal({ PORT: '4000' });
  });

  it('names the file when .env exists but cannot be read', () => {
    fs.mkdirSync(path.join(dir, '.env'));
    expect(() => loadDotEnv(dir, {})).to.throw(ConfigError, path.join(dir, '.env'));
  });
});

describe('the configuration reference', () => {
  const ROOT = path.resolve(__dirname, '..', '..');

  it('docs/configuration.md has a table row for every variable the app reads, and .env.example sets each', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
    const example = envFileVariables(fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8'));
    for (const name of CONFIG_VARIABLES) {
      expect(doc, name).to.contain(`| \`${name}\` |`);
      expect(example, name).to.have.property(name);
    }
  });
});
