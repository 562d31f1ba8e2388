import { expect } from 'chai';
import { relyingPartyFits } from '../../src/cognito/relying-party';

describe("relyingPartyFits (the pool's relying party against the pages' origin)", () => {
  it('fits the host itself and each parent domain, in any case and with a trailing dot', () => {
    for (const rpId of ['app.example.com', 'example.com', 'EXAMPLE.com', 'example.com.']) {
      expect(relyingPartyFits(rpId, 'https://app.example.com'), rpId).to.deep.equal({ fits: true, host: 'app.example.com' });
    }
    expect(relyingPartyFits('localhost', 'http://app.localhost:3000').fits).to.equal(true);
  });

  it('does not fit another site, a child domain, a look-alike suffix or an empty ID', () => {
    for (const rpId of ['shop.example.com', 'deep.app.example.com', 'badexample.com', 'xample.com', 'abc123.auth.eu-west-1.amazoncognito.com', '']) {
      expect(relyingPartyFits(rpId, 'https://app.example.com'), rpId).to.deep.equal({
        fits: false,
        host: 'app.example.com',
        problem: 'not-host-or-parent',
      });
    }
  });

  it('matches an IP address only exactly', () => {
    expect(relyingPartyFits('127.0.0.1', 'http://127.0.0.1:3000').fits).to.equal(true);
    expect(relyingPartyFits('0.0.1', 'http://127.0.0.1:3000').fits).to.equal(false);
  });

  it('refuses plain HTTP on a host other than localhost: browsers offer no WebAuthn there', () => {
    expect(relyingPartyFits('example.com', 'http://app.example.com')).to.deep.equal({
      fits: false,
      host: 'app.example.com',
      problem: 'insecure-origin',
    });
  });
});
