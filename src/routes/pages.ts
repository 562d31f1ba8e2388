import { Router } from 'express';
import type { RequireAuth } from '../auth/require-auth';
import type { AppConfig } from '../app/config';

/** The seed's two pages: the start page and the complete (callback result) page. */
export function createPagesRouter(deps: { config: Pick<AppConfig, 'env'>; requireAuth: RequireAuth }): Router {
  const router = Router();

  /* GET / — the start page, with the "Start login" button. */
  router.get('/', (_req, res) => {
    res.render('index');
  });

  /*
   * GET /complete — the seed's 完了画面: who signed in, when, the token expiry times and the ID token's
   * claims. Raw tokens only outside production. Without a session, back to the start page.
   */
  router.get('/complete', deps.requireAuth({ signedOutTo: 'start' }), (req, res) => {
    const tokens = req.session.tokens!;
    res.render('complete', {
      claims: req.session.idClaims ?? {},
      tokens: {
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        idTokenExpiresAt: tokens.idTokenExpiresAt,
      },
      rawTokens: deps.config.env === 'production' ? undefined : tokens,
    });
  });

  return router;
}
