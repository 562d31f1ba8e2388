import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** Options for {@link createCognitoClient}. */
export interface CognitoClientOptions {
  region: string;
  /** cognito-local's URL; undefined for real Cognito. */
  endpoint?: string | undefined;
  timeoutMs: number;
}

/**
 * Builds the AWS SDK client. Against the emulator it uses placeholder credentials (cognito-local accepts
 * any); against real Cognito the SDK's default credential chain applies. Every call times out after
 * `timeoutMs` so a slow Cognito turns into an error page instead of a hung request.
 */
export function createCognitoClient(options: CognitoClientOptions): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: options.region,
    maxAttempts: 2,
    // Without throwOnRequestTimeout, @smithy/node-http-handler 4 only logs a warning when requestTimeout
    // passes and the request hangs on (found by test/auth/timeouts.test.ts).
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs, throwOnRequestTimeout: true },
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
