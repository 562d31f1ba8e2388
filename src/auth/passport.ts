import { Passport } from 'passport';
import type { CognitoSettings } from '../cognito/settings';
import type { TokenVerifier } from '../cognito/tokens';
import type { UserService } from '../cognito/user-service';
import { createHostedUiStrategy, HOSTED_UI_STRATEGY } from './hosted-ui';
import type { PendingAuthorizations } from './pending-authorizations';
import { createPasswordStrategy, PASSWORD_STRATEGY } from './password';
import './session-user';

/** A Passport instance of the app's own, so two apps with different configs can share one process. */
export type AppPassport = InstanceType<typeof Passport>;

/**
 * Creates the app's Passport with its strategies registered, and the session (de)serialisation of the
 * one `Express.User` shape. Called from `createApp`, never at module load.
 */
export function createPassport(deps: {
  settings: CognitoSettings;
  callbackUrl: string;
  verifier: TokenVerifier;
  users: UserService;
  pendingAuthorizations: PendingAuthorizations;
}): AppPassport {
  const passport = new Passport();
  passport.use(HOSTED_UI_STRATEGY, createHostedUiStrategy(deps));
  passport.use(PASSWORD_STRATEGY, createPasswordStrategy(deps));
  passport.serializeUser<Express.User>((user, done) => done(null, user));
  passport.deserializeUser<Express.User>((user, done) => done(null, user));
  return passport;
}
