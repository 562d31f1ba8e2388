import path from 'node:path';
import ejs from 'ejs';
import { expect } from 'chai';
import { VIEWS_DIR } from '../../../src/router/render';
import { buildTestApp } from '../../helpers/app';

describe("the passkey forms' browser code", () => {
  describe('GET /public/passkeys.js', () => {
    it("serves the package's script as JavaScript, under the pages' CSP", async () => {
      const res = await buildTestApp().agent().get('/public/passkeys.js').expect(200);
      expect(res.headers['content-type']).to.match(/^(text|application)\/javascript/);
      expect(res.headers['content-security-policy']).to.match(/script-src 'self'/);
      expect(res.text).to.contain('form[data-passkey]').and.contain('startRegistration').and.contain('startAuthentication');
    });
  });

  describe('GET /public/vendor/simplewebauthn-browser.js', () => {
    it("serves @simplewebauthn/browser's prebuilt bundle from the installed dependency, as JavaScript under the CSP", async () => {
      const res = await buildTestApp().agent().get('/public/vendor/simplewebauthn-browser.js').expect(200);
      expect(res.headers['content-type']).to.match(/^text\/javascript/);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['content-security-policy']).to.match(/script-src 'self'/);
      expect(res.headers['cache-control']).to.match(/max-age=3600/);
      expect(res.text).to.contain('[@simplewebauthn/browser@13').and.contain('SimpleWebAuthnBrowser');
    });
  });

  describe('partials/passkey-options', () => {
    const render = (options: unknown) => ejs.renderFile(path.join(VIEWS_DIR, 'partials', 'passkey-options.ejs'), { options });

    it('writes the options as JSON that cannot end its script element, and reads back unchanged', async () => {
      const options = { challenge: 'abc', user: { name: '</script><script>alert(1)</script>', displayName: 'a & b > c \u2028 \u2029 <!--' } };
      const html = await render(options);
      const inner = /<script type="application\/json" data-passkey-options>(.*)<\/script>\s*$/s.exec(html)?.[1] as string;
      expect(inner).to.be.a('string');
      expect(inner).not.to.match(/[<>&\u2028\u2029]/);
      expect(JSON.parse(inner)).to.deep.equal(options);
    });

    it("takes Cognito's CREDENTIAL_REQUEST_OPTIONS as the JSON string it is", async () => {
      const html = await render('{"challenge":"xyz","rpId":"localhost","allowCredentials":[]}');
      expect(html).to.contain('{"challenge":"xyz","rpId":"localhost","allowCredentials":[]}');
    });
  });
});
