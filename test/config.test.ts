import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/app/config';

const REAL = {
  COGNITO_REGION: 'ap-northeast-1',
  COGNITO_USER_POOL_ID: 'ap-northeast-1_AbCdEf123',
  COGNITO_CLIENT_ID: 'abc123def456',
  COGNITO_CLIENT_SECRET: 'shh',
  COGNITO_DOMAIN: 'auth.example.com',
  APP_BASE_URL: 'https://app.example.com',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
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
  });

  it('switches to real Cognito when its variables are set, with nonce on and the bare seed-style domain accepted', () => {
    const c = loadConfig(REAL);
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
    for (const name of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_DOMAIN', 'APP_BASE_URL', 'SESSION_SECRET', 'COGNITO_ENDPOINT']) {
      expect(text).to.contain(name);
    }
  });

  it('names each invalid value', () => {
    const problems = problemsOf({ PORT: 'eighty', COGNITO_REGION: 'tokyo', APP_BASE_URL: 'ftp://x', SESSION_STORE: 'disk' });
    expect(problems.join('\n')).to.match(/PORT/).and.match(/COGNITO_REGION/).and.match(/APP_BASE_URL/).and.match(/SESSION_STORE/);
  });

  it('refuses memory sessions, a short secret and plain http in production', () => {
    const problems = problemsOf({ ...REAL, NODE_ENV: 'production', APP_BASE_URL: 'http://app.example.com', SESSION_STORE: 'memory', SESSION_SECRET: 'short' });
    expect(problems.join('\n')).to.match(/SESSION_STORE/).and.match(/SESSION_SECRET/).and.match(/APP_BASE_URL/);
  });

  it('accepts a complete production configuration with a __Host- cookie', () => {
    const c = loadConfig({ ...REAL, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.session.cookieName).to.equal('__Host-sid');
  });
});
