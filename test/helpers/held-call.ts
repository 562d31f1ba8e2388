import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** A Cognito client that holds one call in flight until the test lets it go. */
export interface HeldCall {
  /** Passes every call on to the real client (the emulator answers), holding the first `command` (or its answer) until {@link release}. */
  client: CognitoIdentityProviderClient;
  /** Resolves once the held call has been made: the request that made it is in flight. */
  reached: Promise<void>;
  /** Lets the held call go on to the emulator. */
  release(): void;
}

/**
 * Not a double: nothing is answered here, the emulator answers every call. Only the moment of one call
 * changes, so that a test can act while the request that makes it is in flight (no sleeps).
 *
 * @param hold - `call` (default): the call reaches the emulator only once released. `answer`: the call is
 *   made (and succeeds) at once and only its answer waits, so that what the test does meanwhile (ending the
 *   session, which revokes its tokens) cannot fail it.
 */
export function holdFirstCall(real: CognitoIdentityProviderClient, command: string, hold: 'call' | 'answer' = 'call'): HeldCall {
  let reach: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const client = {
    send(cmd: { constructor: { name: string } }, ...rest: unknown[]) {
      const send = () => (real.send as (...args: unknown[]) => Promise<unknown>)(cmd, ...rest);
      if (held || cmd.constructor.name !== command) return send();
      held = true;
      if (hold === 'answer')
        return send().then(async (answer) => {
          reach();
          await released;
          return answer;
        });
      reach();
      return released.then(send);
    },
    destroy() {},
  };
  return { client: client as unknown as CognitoIdentityProviderClient, reached, release };
}
