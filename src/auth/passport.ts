import type { Request, Response, NextFunction } from 'express';
import { Passport, type AuthenticateOptions } from 'passport';
import type { CognitoSettings } from '../cognito/settings';
import type { TokenVerifier } from '../cognito/tokens';
import type { UserService } from '../cognito/user-service';
import { createHostedUiStrategy, HOSTED_UI_STRATEGY } from './hosted-ui';
import type { PendingAuthorizations } from './pending-authorizations';

/**
 * A Passport instance of the package's own, so that two routers with different options share one
 * process, and a host's own Passport (its strategies, `req.user`, `req.session.passport`) is left alone.
 */
export type AppPassport = InstanceType<typeof Passport>;

/** What a strategy hands back: Passport's custom-callback arguments. */
export type StrategyCallback = (err: unknown, user: unknown, info: unknown, status?: number) => void;

/**
 * Creates the package's Passport with its strategy registered: the Hosted UI's (OpenID Connect, where
 * passport-openidconnect does the authorization request, state and code exchange). The custom pages'
 * sign-in is the sign-in flow's (auth/sign-in-flow.ts), not a strategy's. It never touches the session itself:
 * every strategy runs with a custom callback, and the package starts sessions on its own
 * (`auth/start-session.ts`). Called from `cognitoAuth()`, never at module load.
 */
export function createPassport(deps: {
  settings: CognitoSettings;
  callbackUrl: string;
  verifier: TokenVerifier;
  users: UserService;
  pendingAuthorizations: PendingAuthorizations;
  identityProviders?: readonly string[] | undefined;
}): AppPassport {
  const passport = new Passport();
  passport.use(HOSTED_UI_STRATEGY, createHostedUiStrategy(deps));
  return passport;
}

/**
 * Runs one strategy for this request with a custom callback (so Passport neither logs in nor writes the
 * session). Passport points `req._sessionManager` at the instance that authenticates: it is put back,
 * so that a host's own Passport keeps its own on this request.
 */
export function runStrategy(
  passport: AppPassport,
  name: string,
  options: AuthenticateOptions,
  callback: StrategyCallback,
): (req: Request, res: Response, next: NextFunction) => void {
  const middleware = passport.authenticate(name, { ...options, session: false }, callback) as (
    req: Request,
    res: Response,
    next: NextFunction,
  ) => void;
  return (req, res, next) => {
    const r = req as Request & { _sessionManager?: unknown };
    const hostManager = r._sessionManager;
    try {
      middleware(req, res, next);
    } finally {
      if (hostManager === undefined) delete r._sessionManager;
      else r._sessionManager = hostManager;
    }
  };
}
