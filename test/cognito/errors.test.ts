import { expect } from 'chai';
import { mapCognitoError } from '../../src/cognito/errors';

describe('mapCognitoError', () => {
  it('maps an exception named like an Object.prototype member to the unknown-error page, not a code of its own', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const err = mapCognitoError(Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } }), 'signIn');
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
});
