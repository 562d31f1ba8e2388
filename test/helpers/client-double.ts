import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** A command as the double saw it. */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

/**
 * A test double at the Cognito client boundary: every command is recorded, `answer` may answer it
 * (return a value or throw), and the rest goes on to the real client (the suite's cognito-local).
 * Used only for what the emulator cannot do.
 */
export function createClientDouble(
  real: CognitoIdentityProviderClient,
  answer: (command: SentCommand) => Promise<unknown> | undefined = () => undefined,
): { client: CognitoIdentityProviderClient; sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  const client = {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const seen = { name: command.constructor.name, input: command.input };
      sent.push(seen);
      return answer(seen) ?? real.send(command as never);
    },
    destroy() {},
  };
  return { client: client as unknown as CognitoIdentityProviderClient, sent };
}
