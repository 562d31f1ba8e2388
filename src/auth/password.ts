import type { Request } from 'express';
import { Strategy as LocalStrategy } from 'passport-local';
import type { TokenVerifier } from '../cognito/tokens';
import type { ApiTokens, UserService } from '../cognito/user-service';
import { isFormError, type ErrorCode } from '../errors';
import { sessionTokensFrom } from './session-tokens';
import { userFromIdClaims } from './session-user';
import type { CognitoUser } from './types';
import type { SignedIn } from './start-session';
import { visitorOf } from './visitor';

/** Name under which the password strategy is registered with Passport. */
export const PASSWORD_STRATEGY = 'cognito-password';

/** Why a password sign-in did not produce a user (passed as Passport's `info`). */
export type PasswordFailure =
  | { code: Exclude<ErrorCode, 'internal'> }
  | { code: 'new_password_required'; session: string; username: string }
  | { code: 'mfa_required'; session: string; username: string };

/**
 * Verifies the ID token that came with API tokens and makes the same user, tokens and claims the Hosted
 * UI path makes, so every route sees one session shape.
 */
export async function signedInFromApiTokens(verifier: TokenVerifier, api: ApiTokens): Promise<SignedIn> {
  const { tokens, claims } = await sessionTokensFrom(verifier, api);
  return { user: userFromIdClaims(claims, 'password'), claims, tokens };
}

/**
 * The custom sign-in page's strategy: `InitiateAuth` with `USER_PASSWORD_AUTH` and the SECRET_HASH, called
 * by the server (the password never goes from the browser to Cognito; see docs/mfa.md for why not the
 * admin flow). Wrong password and unknown email are one failure (`bad_credentials`), as in Passport's
 * examples. A challenge (new password, authenticator code) is a failure that carries Cognito's session.
 */
export function createPasswordStrategy(deps: { users: UserService; verifier: TokenVerifier }): LocalStrategy {
  return new LocalStrategy(
    { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
    function verify(req: Request, email: string, password: string, callback) {
      // passport-local's types want `{ message }` as info; this app passes a code, or the signed-in bundle.
      const done = callback as unknown as (err: unknown, user?: CognitoUser | false, info?: PasswordFailure | SignedIn) => void;
      deps.users
        .signIn(email, password, visitorOf(req))
        .then(async (result) => {
          if (result.kind === 'new-password-required') {
            return done(null, false, { code: 'new_password_required', session: result.session, username: result.username });
          }
          if (result.kind === 'mfa-required') {
            return done(null, false, { code: 'mfa_required', session: result.session, username: result.username });
          }
          const signedIn = await signedInFromApiTokens(deps.verifier, result.tokens);
          return done(null, signedIn.user, signedIn);
        })
        .catch((err: unknown) => {
          // Errors a person can act on are failures (shown on the form); the rest go to the error page.
          if (isFormError(err)) return done(null, false, { code: err.code } as PasswordFailure);
          return done(err);
        });
    },
  );
}
