import type { Request } from 'express';
import { MFA_CHALLENGE_TTL_MS } from '../cognito/mfa-service';
import type { FirstAuthFactor } from '../cognito/pool-settings';
import type { ApiTokens, SignInStep } from '../cognito/sign-in-result';
import type { TokenVerifier } from '../cognito/tokens';
import type { UserService } from '../cognito/user-service';
import type { Clock } from './lifetimes';
import { holdMfaChallenge, pendingMfaChallenge } from './mfa-challenge';
import { signedInFromApiTokens } from './password';
import { peekState, sessionState } from './session-state';
import type { SignedIn } from './start-session';
import type { CognitoSessionState, PasswordlessChallenge, SignInProvider } from './types';
import { visitorOf } from './visitor';

/** The sign-in pages below the first: where the flow sends the browser next. */
export type SignInPage = '/login/new-password' | '/login/mfa' | '/login/choose' | '/login/code' | '/login/passkey';

/** Where a sign-in step leads: a session to start (then `returnTo`), or the page of the next step. */
export type FlowOutcome = { kind: 'signed-in'; signedIn: SignedIn; returnTo: string | undefined } | { kind: 'step'; page: SignInPage };

/** What every sign-in starts with: the address typed, and where to go once signed in. */
export interface SignInStart {
  email: string;
  returnTo?: string | undefined;
}

/**
 * The custom pages' sign-in, every step of it: password → new password → two-step code, and choice-based
 * sign-in's choice → code sent by e-mail / passkey. Each call takes the visitor's answer to one step,
 * asks Cognito (through the user service, never an SDK command here), keeps the next challenge in the
 * session and says where to go. Failures are `CognitoAuthError`s for the page to show.
 */
export interface SignInFlow {
  /** The password page (`USER_PASSWORD_AUTH`, or `ADMIN_USER_PASSWORD_AUTH` on the admin API). */
  password(req: Request, start: SignInStart, password: string): Promise<FlowOutcome>;
  /**
   * Choice-based sign-in (`USER_AUTH`): the factor the visitor chose (`PREFERRED_CHALLENGE`, with the
   * password for `PASSWORD`), or none, when Cognito lists the account's factors to choose from.
   */
  choose(req: Request, start: SignInStart, choice: { preferred?: FirstAuthFactor | undefined; password?: string | undefined }): Promise<FlowOutcome>;
  /** The choice page's answer (SELECT_CHALLENGE). */
  select(req: Request, challenge: PasswordlessChallenge, answer: FirstAuthFactor, password: string | undefined): Promise<FlowOutcome>;
  /** NEW_PASSWORD_REQUIRED's answer. */
  newPassword(req: Request, password: string): Promise<FlowOutcome>;
  /** SOFTWARE_TOKEN_MFA's answer: the code from the authenticator app. */
  totp(req: Request, code: string): Promise<FlowOutcome>;
  /** EMAIL_OTP's answer: the code from the e-mail. */
  emailCode(req: Request, challenge: PasswordlessChallenge, code: string): Promise<FlowOutcome>;
  /** WEB_AUTHN's answer: the browser's AuthenticationResponseJSON, as a JSON string. */
  passkey(req: Request, challenge: PasswordlessChallenge, credential: string): Promise<FlowOutcome>;
  /**
   * The choice-based step waiting in this session, when it is `step`; `'expired'` when its time ran out
   * (it is then removed); undefined when there is none.
   */
  pending(req: Request, step: PasswordlessChallenge['step']): PasswordlessChallenge | 'expired' | undefined;
}

/** Which sign-in a first factor makes, as the session's user tells it. */
const PROVIDER_OF: Record<FirstAuthFactor, SignInProvider> = { PASSWORD: 'password', EMAIL_OTP: 'email-code', WEB_AUTHN: 'passkey' };

/** Forgets every waiting step: a new one replaces them all, and a finished sign-in needs none. */
function forgetSteps(state: CognitoSessionState): void {
  delete state.challenge;
  delete state.mfaChallenge;
  delete state.passwordlessChallenge;
}

/** Creates the sign-in flow of one router. */
export function createSignInFlow(deps: { users: UserService; verifier: TokenVerifier; clock: Clock }): SignInFlow {
  const { users } = deps;

  async function signedIn(req: Request, tokens: ApiTokens, provider: SignInProvider, returnTo: string | undefined): Promise<FlowOutcome> {
    const bundle = await signedInFromApiTokens(deps.verifier, tokens, provider);
    forgetSteps(sessionState(req));
    return { kind: 'signed-in', signedIn: bundle, returnTo };
  }

  /** Keeps whatever Cognito asks next, or signs in. `provider` is the sign-in that tokens now would make. */
  async function proceed(req: Request, step: SignInStep, start: SignInStart, provider: SignInProvider): Promise<FlowOutcome> {
    if (step.kind === 'tokens') return signedIn(req, step.tokens, provider, start.returnTo);
    const state = sessionState(req);
    forgetSteps(state);
    const { session, username } = step;
    const held = { email: start.email, session, username, returnTo: start.returnTo };
    switch (step.kind) {
      case 'new-password-required':
        state.challenge = held;
        return { kind: 'step', page: '/login/new-password' };
      case 'mfa-required':
        holdMfaChallenge(req, held, deps.clock());
        return { kind: 'step', page: '/login/mfa' };
      default: {
        // Cognito's challenge session lasts the client's AuthSessionValidity (3 minutes unless set longer).
        const expiresAt = deps.clock() + MFA_CHALLENGE_TTL_MS;
        if (step.kind === 'select') state.passwordlessChallenge = { step: 'select', ...held, expiresAt, available: step.available };
        else if (step.kind === 'email-code') state.passwordlessChallenge = { step: 'email-code', ...held, expiresAt, destination: step.destination };
        else state.passwordlessChallenge = { step: 'passkey', ...held, expiresAt, options: step.options };
        return { kind: 'step', page: step.kind === 'select' ? '/login/choose' : step.kind === 'email-code' ? '/login/code' : '/login/passkey' };
      }
    }
  }

  return {
    password: async (req, start, password) => proceed(req, await users.signIn(start.email, password, visitorOf(req)), start, 'password'),

    choose: async (req, start, choice) =>
      proceed(req, await users.startChoiceSignIn(start.email, choice, visitorOf(req)), start, PROVIDER_OF[choice.preferred ?? 'PASSWORD']),

    async select(req, challenge, answer, password) {
      const step = await users.selectFirstFactor(challenge.username, challenge.session, answer, password, visitorOf(req));
      return proceed(req, step, challenge, PROVIDER_OF[answer]);
    },

    async newPassword(req, password) {
      const challenge = peekState(req)?.challenge;
      if (!challenge) return { kind: 'step', page: '/login/new-password' };
      const tokens = await users.answerNewPasswordChallenge(challenge.username ?? challenge.email, challenge.session, password, visitorOf(req));
      return signedIn(req, tokens, 'password', challenge.returnTo);
    },

    async totp(req, code) {
      const challenge = pendingMfaChallenge(req, deps.clock());
      if (challenge === undefined || challenge === 'expired') return { kind: 'step', page: '/login/mfa' };
      const tokens = await users.answerTotpChallenge(challenge.username, challenge.session, code, visitorOf(req));
      return signedIn(req, tokens, 'password', challenge.returnTo);
    },

    emailCode: async (req, challenge, code) =>
      signedIn(req, await users.answerEmailCode(challenge.username, challenge.session, code, visitorOf(req)), 'email-code', challenge.returnTo),

    passkey: async (req, challenge, credential) =>
      signedIn(req, await users.answerPasskey(challenge.username, challenge.session, credential, visitorOf(req)), 'passkey', challenge.returnTo),

    pending(req, step) {
      const state = peekState(req);
      const challenge = state?.passwordlessChallenge;
      if (!state || !challenge || challenge.step !== step) return undefined;
      if (deps.clock() >= challenge.expiresAt) {
        delete state.passwordlessChallenge;
        return 'expired';
      }
      return challenge;
    },
  };
}
