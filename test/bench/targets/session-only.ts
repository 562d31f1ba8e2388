import express from 'express';
import session from 'express-session';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import { openTargetStore } from './stores';
import type { BuiltTarget, TargetSpec } from './types';

/** Path where the bench puts a signed-in session's data (copied from the app's store) into a new session. */
export const SEED_PATH = '/bench/seed';

/**
 * The same page with only express-session in front: the same store and the same cookie settings as the
 * app, express-session's ordinary defaults otherwise (no rolling), and the check a host would write.
 */
export async function buildSessionOnlyTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const handle = (await openTargetStore(spec))!;
  const app = express();
  app.set('trust proxy', 1);
  app.use(
    session({
      name: '__Host-sid',
      secret: spec.sessionSecret,
      store: handle.store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: 2 * 60 * 60 * 1000 },
    }),
  );
  app.post(SEED_PATH, express.json({ limit: '64kb' }), (req, res) => {
    Object.assign(req.session, req.body);
    res.sendStatus(204);
  });
  app.get(PAGE_PATH, (req, res) => {
    const user = (req.session as { passport?: { user?: Express.User } }).passport?.user;
    if (!user) {
      res.redirect(303, '/login');
      return;
    }
    res.render(PAGE_VIEW, pageLocals(user.email ?? ''));
  });
  return { app, store: handle.store, storeWrites: handle.writes, close: () => handle.close() };
}
