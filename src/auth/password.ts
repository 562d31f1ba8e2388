import type { Request } from 'express';
import { Strategy as LocalStrategy } from 'passport-local';
import type { TokenVerifier } from '../cognito/tokens';
import type { UserService } from '../cognito/user-service';
import type { ApiTokens } from '../cognito/sign-in-result';
import { isFormError, type ErrorCode } from '../errors';
import { settle } from '../settle';
import { sessionTokensFrom } from './session-tokens';
import { userFromIdClaims } from './session-user';
import type { CognitoUser, SignInProvider } from './types';
import type { SignedIn } from './start-session';
import { visitorOf } from './visitor';

/** Why a password sign-in did not produce a user (passed as Passport's `info`). */
export type PasswordFailure =
  | { code: Exclude<ErrorCode, 'internal'> }
  | { code: 'new_password_required'; session: string; username: string }
  | { code: 'mfa_required'; session: string; username: string };

/**
 * Verifies the ID token that came with API tokens and makes the same user, tokens and claims the Hosted
 * UI path makes, so every route sees one session shape. `provider` is how the person signed in (the
 * password unless a passkey or an e-mailed code did it).
 */
export async function signedInFromApiTokens(verifier: TokenVerifier, api: ApiTokens, provider: SignInProvider = 'password'): Promise<SignedIn> {
  const { tokens, claims } = await sessionTokensFrom(verifier, api);
  return { user: userFromIdClaims(claims, provider), claims, tokens };
}

/**
 * A Passport local strategy over the password sign-in. No longer registered: the custom pages sign in
 * through the sign-in flow (auth/sign-in-flow.ts), whose steps (new password, two-step code, choice-based
 * factors) a strategy's one verify call cannot express. Kept only while test/settle.test.ts still tests its
 * callback discipline; it goes with that test (see the signin-flow requests note).
 *
 * @deprecated Use {@link createSignInFlow} (auth/sign-in-flow.ts).
 */
export function createPasswordStrategy(deps: { users: UserService; verifier: TokenVerifier }): LocalStrategy {
  return new LocalStrategy(
    { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
    function verify(req: Request, email: string, password: string, callback) {
      // passport-local's types want `{ message }` as info; this app passes a code, or the signed-in bundle.
      const done = callback as unknown as (err: unknown, user?: CognitoUser | false, info?: PasswordFailure | SignedIn) => void;
      settle(
        passwordSignIn(deps, req, email, password),
        (outcome) => (outcome.kind === 'signed-in' ? done(null, outcome.signedIn.user, outcome.signedIn) : done(null, false, outcome.failure)),
        (err) => done(err),
      );
    },
  );
}

/** What a password sign-in ends in: a session to start, or a failure for the form (a challenge included). */
type PasswordOutcome = { kind: 'signed-in'; signedIn: SignedIn } | { kind: 'failed'; failure: PasswordFailure };

/** Signs in with the password; rejects only with what belongs on the error page. */
async function passwordSignIn(
  deps: { users: UserService; verifier: TokenVerifier },
  req: Request,
  email: string,
  password: string,
): Promise<PasswordOutcome> {
  try {
    const result = await deps.users.signIn(email, password, visitorOf(req));
    if (result.kind === 'new-password-required') {
      return { kind: 'failed', failure: { code: 'new_password_required', session: result.session, username: result.username } };
    }
    if (result.kind === 'mfa-required') return { kind: 'failed', failure: { code: 'mfa_required', session: result.session, username: result.username } };
    return { kind: 'signed-in', signedIn: await signedInFromApiTokens(deps.verifier, result.tokens) };
  } catch (err) {
    // Errors a person can act on are failures (shown on the form); the rest go to the error page.
    if (isFormError(err)) return { kind: 'failed', failure: { code: err.code } as PasswordFailure };
    throw err;
  }
}
