import { expect } from 'chai';
import { cognitoOptionsFrom } from '../../src/app/auth-options';
import { loadConfig } from '../../src/app/config';
import { problemsOf } from '../helpers/app';

const IDS = { userPoolId: 'local_abc', clientId: 'client', clientSecret: undefined };

describe('loadConfig: the sign-in API and the first factors of the sign-in page', () => {
  it('leaves both to the package when unset (the admin API, the password alone)', () => {
    const options = cognitoOptionsFrom(loadConfig({}), IDS, 'http://localhost:9229');
    expect(options).to.not.have.property('signInApi');
    expect(options).to.not.have.property('firstFactors');
  });

  it('passes COGNITO_SIGN_IN_API and COGNITO_FIRST_FACTORS (comma-separated, any case) to the cognito option', () => {
    const config = loadConfig({ COGNITO_SIGN_IN_API: 'public', COGNITO_FIRST_FACTORS: 'password, email_otp,WEB_AUTHN' });
    const options = cognitoOptionsFrom(config, IDS, 'http://localhost:9229');
    expect(options.signInApi).to.equal('public');
    expect(options.firstFactors).to.deep.equal(['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN']);
  });

  it('names each variable with a value it cannot use', () => {
    const problems = problemsOf({ COGNITO_SIGN_IN_API: 'iam', COGNITO_FIRST_FACTORS: 'PASSWORD,SMS_OTP' }).join('\n');
    expect(problems).to.match(/COGNITO_SIGN_IN_API: must be admin .* or public/);
    expect(problems).to.match(/COGNITO_FIRST_FACTORS: must be first factors, comma-separated: PASSWORD, EMAIL_OTP, WEB_AUTHN/);
    expect(problemsOf({ COGNITO_FIRST_FACTORS: 'PASSWORD,password' }).join('\n')).to.contain('COGNITO_FIRST_FACTORS: must not name a factor twice');
  });
});
