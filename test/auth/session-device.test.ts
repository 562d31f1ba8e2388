import { expect } from 'chai';
import type { Request } from 'express';
import { recordSignInDevice, USER_AGENT_MAX_LENGTH, userAgentOf } from '../../src/auth/session-device';
import type { CognitoSessionState } from '../../src/auth/types';
import { describeUserAgent } from '../../src/router/routes/session-list';

const requestWith = (ua: string | undefined) =>
  ({ get: (name: string) => (name.toLowerCase() === 'user-agent' ? ua : undefined) }) as unknown as Request;

describe('what a session records of the device at sign-in', () => {
  it('keeps the user-agent string cut to 256 characters, and nothing when there is none', () => {
    const state: CognitoSessionState = { issuer: 'i', clientId: 'c' };
    recordSignInDevice(state, requestWith(`Mozilla/5.0 ${'x'.repeat(1000)}`));
    expect(userAgentOf(state)).to.have.length(USER_AGENT_MAX_LENGTH);
    recordSignInDevice(state, requestWith(undefined));
    expect(userAgentOf(state)).to.equal(undefined);
  });

  it('names browser and system with major versions (bowser), and nothing for an unknown string', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).to.deep.equal({
      browser: 'Safari 17',
      os: 'iOS 17',
    });
    expect(describeUserAgent(undefined)).to.deep.equal({ browser: undefined, os: undefined });
  });
});
