import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { createEmailService } from '../../src/cognito/email-service';
import { mapCognitoError } from '../../src/cognito/errors';
import { CognitoAuthError } from '../../src/errors';

/** Names of `Object.prototype` members: a look-up keyed by an exception name must find none of them. */
const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

/** An error as the SDK throws it for a Cognito exception. */
const exception = (name: string) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } });

describe('mapCognitoError', () => {
  it('maps an exception named like an Object.prototype member to the unknown-error page, not a code of its own', () => {
    for (const name of PROTOTYPE_NAMES) {
      const err = mapCognitoError(exception(name), 'signIn');
      expect(err.code, name).to.equal('cognito_unknown');
      expect(err.status, name).to.equal(502);
    }
  });

  it('maps PasswordResetRequiredException at sign-in and UserLambdaValidationException anywhere to codes with messages', () => {
    const reset = mapCognitoError(Object.assign(new Error('x'), { name: 'PasswordResetRequiredException' }), 'signIn');
    expect(reset.code).to.equal('password_reset_required');
    for (const operation of ['signUp', 'signIn', 'forgotPassword', 'profile'] as const) {
      const refused = mapCognitoError(Object.assign(new Error('x'), { name: 'UserLambdaValidationException' }), operation);
      expect(refused.code, operation).to.equal('trigger_refused');
      expect(refused.status, operation).to.equal(400);
    }
  });

  it('ends the session when the user is gone or reset during two-step set-up, never a 502', () => {
    for (const name of ['UserNotFoundException', 'PasswordResetRequiredException']) {
      expect(mapCognitoError(exception(name), 'mfaSetup').code, name).to.equal('session_expired');
    }
  });
});

describe('the e-mail service', () => {
  it('maps an exception named like an Object.prototype member to the unknown-error page on every call (double: a client that throws it)', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const client = {
        send: () => Promise.reject(exception(name)),
        destroy: () => undefined,
      } as unknown as CognitoIdentityProviderClient;
      const emails = createEmailService(client);
      for (const [call, run] of [
        ['sendCode', () => emails.sendCode('token')],
        ['verifyCode', () => emails.verifyCode('token', '123456')],
        ['requestChange', () => emails.requestChange('token', 'new@example.com')],
      ] as const) {
        const err: unknown = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${call}: ${name}`).to.be.instanceOf(CognitoAuthError);
        expect((err as CognitoAuthError).code, `${call}: ${name}`).to.equal('cognito_unknown');
        expect((err as CognitoAuthError).status, `${call}: ${name}`).to.equal(502);
      }
    }
  });
});
