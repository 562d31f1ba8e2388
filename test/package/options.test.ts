import { expect } from 'chai';
import { cognitoAuth, CognitoAuthError, createMemoryStore } from '../../src/index';
import type { CognitoLocal } from '../../src/testing';
import { hostKit } from '../helpers/host-kit';

describe('cognitoAuth() options in a host app (against the test kit)', function () {
  this.timeout(30_000);
  let cognito: CognitoLocal;

  before(async () => {
    cognito = await hostKit();
  });

  it('throws invalid_options naming each bad option', () => {
    let thrown: unknown;
    try {
      cognitoAuth({
        baseUrl: 'ftp://shop.example.com',
        cognito: { ...cognito.options, domain: 'not a url' },
        session: { store: createMemoryStore() },
        languages: ['fr' as never],
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(CognitoAuthError);
    const err = thrown as CognitoAuthError;
    expect(err.code).to.equal('invalid_options');
    for (const name of ['baseUrl', 'cognito.domain', 'languages.0']) {
      expect(
        err.problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).to.equal(true);
      expect(err.message).to.contain(name);
    }
  });

  it('refuses an emulator and a session store without a secret', () => {
    expect(() => cognitoAuth({ baseUrl: 'https://shop.example.com', cognito: cognito.options, session: { store: createMemoryStore() } }))
      .to.throw(CognitoAuthError)
      .with.property('problems')
      .that.deep.equals([
        'cognito.endpoint: an emulator is never used in production',
        'session.secret: required with session.store (at least 32 characters)',
      ]);
  });
});
