import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type ChallengeNameType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthError } from '../errors';
import { contextDataOf, userContextDataOf, type Visitor } from './context-data';
import { callCognito, mapCognitoError, type CognitoOperation } from './errors';
import type { FirstAuthFactor } from './pool-settings';
import { computeSecretHash, withSecretHash } from './secret-hash';
import { signInResultOf, signInStepOf, toApiTokens, type ApiTokens, type AuthAnswer, type SignInResult, type SignInStep } from './sign-in-result';
import type { CognitoSettings } from './settings';

/**
 * The sign-in calls of the custom pages, on the API the `signInApi` setting names. Each throws a
 * `CognitoAuthError` with a code the pages show. `visitor` goes to Cognito as `ContextData` (admin API) or
 * `UserContextData` (public API) when the `contextData` setting is on.
 */
export interface SignInCalls {
  /** The password sign-in (`ADMIN_USER_PASSWORD_AUTH`, or `USER_PASSWORD_AUTH` on the public API). */
  signIn(email: string, password: string, visitor?: Visitor): Promise<SignInResult>;
  /** `username` is the challenge's (see {@link SignInResult}). */
  answerNewPasswordChallenge(username: string, session: string, newPassword: string, visitor?: Visitor): Promise<ApiTokens>;
  /** Answers SOFTWARE_TOKEN_MFA with a code from the person's authenticator app. `username` as above. */
  answerTotpChallenge(username: string, session: string, code: string, visitor?: Visitor): Promise<ApiTokens>;
  /**
   * Choice-based sign-in (`USER_AUTH`): with `preferred` (and the password, for `PASSWORD`), that factor
   * starts at once; without it Cognito answers with the factors the account may use (`SELECT_CHALLENGE`).
   */
  startChoiceSignIn(
    email: string,
    choice: { preferred?: FirstAuthFactor | undefined; password?: string | undefined },
    visitor?: Visitor,
  ): Promise<SignInStep>;
  /** Answers SELECT_CHALLENGE with one of its `AvailableChallenges` (and the password, for `PASSWORD`). */
  selectFirstFactor(username: string, session: string, answer: FirstAuthFactor, password: string | undefined, visitor?: Visitor): Promise<SignInStep>;
  /** Answers EMAIL_OTP with the code from the e-mail. */
  answerEmailCode(username: string, session: string, code: string, visitor?: Visitor): Promise<ApiTokens>;
  /** Answers WEB_AUTHN with `CREDENTIAL`: the browser's AuthenticationResponseJSON, as a JSON string. */
  answerPasskey(username: string, session: string, credential: string, visitor?: Visitor): Promise<ApiTokens>;
}

type Settings = Pick<CognitoSettings, 'userPoolId' | 'clientId' | 'clientSecret' | 'contextData' | 'signInApi'>;

/** Starts a sign-in and answers its challenges on one API: the two differ only in these calls. */
interface AuthApi {
  initiate(flow: 'password' | 'choice', parameters: Record<string, string>, visitor: Visitor | undefined): Promise<AuthAnswer>;
  respond(challenge: ChallengeNameType, session: string, responses: Record<string, string>, visitor: Visitor | undefined): Promise<AuthAnswer>;
}

/**
 * The admin API: the server's IAM credentials authorize the call, and `ContextData` carries the visitor.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
 */
function adminApi(client: CognitoIdentityProviderClient, settings: Settings): AuthApi {
  const ids = { UserPoolId: settings.userPoolId, ClientId: settings.clientId };
  return {
    initiate: (flow, parameters, visitor) =>
      client.send(
        new AdminInitiateAuthCommand({
          ...ids,
          AuthFlow: flow === 'password' ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_AUTH',
          AuthParameters: parameters,
          ...contextDataOf(settings.contextData, visitor),
        }),
      ),
    respond: (challenge, session, responses, visitor) =>
      client.send(
        new AdminRespondToAuthChallengeCommand({
          ...ids,
          ChallengeName: challenge,
          Session: session,
          ChallengeResponses: responses,
          ...contextDataOf(settings.contextData, visitor),
        }),
      ),
  };
}

/**
 * The public API: the client secret alone authorizes the call, and `UserContextData` carries the IP address.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 */
function publicApi(client: CognitoIdentityProviderClient, settings: Settings): AuthApi {
  return {
    initiate: (flow, parameters, visitor) =>
      client.send(
        new InitiateAuthCommand({
          ClientId: settings.clientId,
          AuthFlow: flow === 'password' ? 'USER_PASSWORD_AUTH' : 'USER_AUTH',
          AuthParameters: parameters,
          ...userContextDataOf(settings.contextData, visitor),
        }),
      ),
    respond: (challenge, session, responses, visitor) =>
      client.send(
        new RespondToAuthChallengeCommand({
          ClientId: settings.clientId,
          ChallengeName: challenge,
          Session: session,
          ChallengeResponses: responses,
          ...userContextDataOf(settings.contextData, visitor),
        }),
      ),
  };
}

/**
 * A code sent by e-mail: wrong and expired codes are the e-mail code's own messages (as on the other
 * e-mailed-code pages); a challenge Cognito no longer accepts is the code step's time running out.
 */
async function callForEmailCode<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const name = (err as { name?: unknown })?.name;
    if (name === 'CodeMismatchException')
      return Promise.reject(new CognitoAuthError('code_mismatch', 'emailCodeSignIn: CodeMismatchException', { cause: err }));
    if (name === 'ExpiredCodeException')
      return Promise.reject(new CognitoAuthError('code_expired', 'emailCodeSignIn: ExpiredCodeException', { cause: err }));
    throw mapCognitoError(err, 'mfaSignIn');
  }
}

/** Creates the sign-in calls over one SDK client and one app client's settings. */
export function createSignInCalls(client: CognitoIdentityProviderClient, settings: Settings): SignInCalls {
  const api = settings.signInApi === 'public' ? publicApi(client, settings) : adminApi(client, settings);
  const hashOf = (username: string) =>
    withSecretHash(settings.clientSecret === undefined ? undefined : computeSecretHash(username, settings.clientId, settings.clientSecret));
  /** Answers a challenge as `username`, with the SECRET_HASH every answer to a client with a secret needs. */
  const respond = (
    operation: CognitoOperation,
    challenge: ChallengeNameType,
    username: string,
    session: string,
    responses: Record<string, string>,
    visitor: Visitor | undefined,
  ) => callCognito(operation, () => api.respond(challenge, session, { USERNAME: username, ...responses, ...hashOf(username) }, visitor));
  const tokensOf = async (answer: Promise<AuthAnswer>) => toApiTokens((await answer).AuthenticationResult);

  return {
    signIn: (email, password, visitor) =>
      callCognito('signIn', async () =>
        signInResultOf(await api.initiate('password', { USERNAME: email, PASSWORD: password, ...hashOf(email) }, visitor), email),
      ),

    answerNewPasswordChallenge: (username, session, newPassword, visitor) =>
      tokensOf(respond('newPassword', 'NEW_PASSWORD_REQUIRED', username, session, { NEW_PASSWORD: newPassword }, visitor)),

    answerTotpChallenge: (username, session, code, visitor) =>
      tokensOf(respond('mfaSignIn', 'SOFTWARE_TOKEN_MFA', username, session, { SOFTWARE_TOKEN_MFA_CODE: code }, visitor)),

    startChoiceSignIn: (email, choice, visitor) =>
      callCognito('signIn', async () => {
        const parameters: Record<string, string> = { USERNAME: email, ...hashOf(email) };
        if (choice.preferred) parameters.PREFERRED_CHALLENGE = choice.preferred;
        // AWS's own client sends the password in the same call: the password factor then completes at once.
        if (choice.preferred === 'PASSWORD' && choice.password !== undefined) parameters.PASSWORD = choice.password;
        return signInStepOf(await api.initiate('choice', parameters, visitor), email);
      }),

    selectFirstFactor: async (username, session, answer, password, visitor) => {
      const responses: Record<string, string> = {
        ANSWER: answer,
        ...(answer === 'PASSWORD' && password !== undefined ? { PASSWORD: password } : {}),
      };
      // A refused password is a wrong password; otherwise a refusal is the challenge running out.
      const out = await respond(answer === 'PASSWORD' ? 'signIn' : 'mfaSignIn', 'SELECT_CHALLENGE', username, session, responses, visitor);
      return signInStepOf(out, username);
    },

    answerEmailCode: (username, session, code, visitor) =>
      callForEmailCode(() => tokensOf(api.respond('EMAIL_OTP', session, { USERNAME: username, EMAIL_OTP_CODE: code, ...hashOf(username) }, visitor))),

    answerPasskey: (username, session, credential, visitor) =>
      tokensOf(respond('mfaSignIn', 'WEB_AUTHN', username, session, { CREDENTIAL: credential }, visitor)),
  };
}
