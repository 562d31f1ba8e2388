import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { createClientDouble, type SentCommand } from '../../helpers/client-double';
import { csrfOf } from '../../helpers/forms';
import { answerGetUserAs, asGoogleUser } from '../../helpers/federated';
import { signInAtIssuer, startTestIssuer, type TestIssuer } from '../../helpers/test-issuer';

/** GetUser as Cognito answers it for the Google user. */
const answerGetUser = answerGetUserAs({ sub: 'federated-sub', email: 'federated@example.com' });

describe('the passkeys pages and a federated account (test issuer; double for GetUser)', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  let sent: SentCommand[];
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.stop());
  beforeEach(() => {
    issuer.forge({ claims: asGoogleUser });
    const double = createClientDouble(issuer.client, answerGetUser);
    sent = double.sent;
    t = buildTestApp({ env: { COGNITO_IDENTITY_PROVIDERS: 'Google' }, cognito: { settings: issuer.settings, client: double.client } });
  });

  it('sends the passkeys page and its forms to the profile with a message, and asks Cognito nothing about passkeys (double: GetUser)', async () => {
    const { agent, res } = await signInAtIssuer(t);
    expect(res.status, t.logs.join('')).to.equal(303);
    await agent.get('/profile/passkeys').expect(303).expect('Location', '/profile');
    const profile = await agent.get('/profile').set('Accept-Language', 'en').expect(200);
    expect(profile.text).to.contain('passkeys from this site cannot sign you in');
    for (const action of ['/profile/passkeys/add', '/profile/passkeys/complete', '/profile/passkeys/remove']) {
      const post = await agent
        .post(action)
        .type('form')
        .send({ _csrf: csrfOf(profile.text), credentialId: 'AAAA', credential: '{}' });
      expect(post.status, action).to.equal(303);
      expect(post.headers.location, action).to.equal('/profile');
    }
    const seen = sent.map((c) => c.name);
    for (const name of [
      'DescribeUserPoolCommand',
      'GetUserPoolMfaConfigCommand',
      'StartWebAuthnRegistrationCommand',
      'ListWebAuthnCredentialsCommand',
      'DeleteWebAuthnCredentialCommand',
    ]) {
      expect(seen, name).to.not.include(name);
    }
  });
});
