import path from 'node:path';
import { Router } from 'express';
import type { CognitoAuth } from '../index';

/** The reference app's own templates. */
const APP_VIEWS = path.resolve(__dirname, '..', '..', 'views', 'app');

/** The complete page's path: the original walkthrough's result page, linked from the start page once signed in. */
export const COMPLETE_PATH = '/complete';

/**
 * The original walkthrough's two pages, the host's own: the start page and the complete (callback result) page,
 * rendered in the package's layout with its helpers (`auth.render`).
 */
export function createPagesRouter(deps: { auth: CognitoAuth; production: boolean }): Router {
  const router = Router();
  const { auth } = deps;

  /* GET / — the start page, with the "Start login" button. */
  router.get('/', (req, res) => auth.render(req, res, path.join(APP_VIEWS, 'index.ejs'), { completeUrl: COMPLETE_PATH }));

  /*
   * GET /complete — the original walkthrough's 完了画面 (completion page): who signed in, when, the token expiry times and the ID token's
   * claims. Raw tokens only outside production. Without a session, back to the start page.
   */
  router.get(COMPLETE_PATH, auth.requiresAuth({ signedOutTo: '/' }), (req, res) => {
    const tokens = req.cognito!.tokens()!;
    return auth.render(req, res, path.join(APP_VIEWS, 'complete.ejs'), {
      claims: req.cognito!.claims ?? {},
      tokens: { accessTokenExpiresAt: tokens.accessTokenExpiresAt, idTokenExpiresAt: tokens.idTokenExpiresAt },
      rawTokens: deps.production ? undefined : tokens,
    });
  });

  return router;
}
