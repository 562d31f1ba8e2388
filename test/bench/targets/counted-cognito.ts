import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoOptions } from '../../../src/index';
import type { BenchCognito } from './types';

/** Cognito options for a production router, and how many calls reached Cognito so far. */
export interface CountedCognito {
  options: CognitoOptions;
  calls: () => number;
}

/**
 * The `cognito` option as a production host gives it (no `endpoint`: the package runs its real-Cognito
 * path), pointed at the emulator through what a host may set: `domain` and `issuer`, and an SDK client of
 * its own. (Only the custom sign-in page is used, so cognito-local's missing nonce never matters.) That client's commands and every
 * `fetch` of the process (token endpoint, JWKS) are counted: an ordinary request must make none.
 */
export function countedCognito(emulator: BenchCognito): CountedCognito {
  let count = 0;
  const sdk = new CognitoIdentityProviderClient({
    region: 'local',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = new Proxy(sdk, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: never) => ((count += 1), target.send(command));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => ((count += 1), realFetch(...args));
  return {
    options: {
      region: 'ap-northeast-1',
      userPoolId: emulator.userPoolId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      domain: emulator.url,
      issuer: `${emulator.url}/${emulator.userPoolId}`,
      client,
    },
    calls: () => count,
  };
}
