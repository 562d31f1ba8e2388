import express from 'express';
import session from 'express-session';
import { HOST_SESSION_COOKIE } from '../constants';
import { PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import { packageStateOf } from '../../helpers/sessions';
import { openTargetStore } from './stores';
import type { BuiltTarget, TargetSpec } from './types';

/** Path where the bench puts a signed-in session's data (copied from the guarded page's store) into a new session. */
export const SEED_PATH = '/bench/seed';

/** The package's default idle lifetime, which its cookie's Max-Age follows. */
const IDLE_MS = 2 * 60 * 60 * 1000;

/**
 * The same page with only express-session in front (`session-only`: a copy of a package session's data;
 * `session-tiny`: only a small user object, issue 19's baseline): the same store and the same cookie as the package's
 * own session, express-session's ordinary defaults otherwise (no rolling; it touches the store on every
 * request that changes nothing), and the check a host would write.
 */
export async function buildSessionOnlyTarget(spec: TargetSpec): Promise<BuiltTarget> {
  const handle = (await openTargetStore(spec))!;
  const app = express();
  app.set('trust proxy', 1);
  app.use(
    session({
      name: HOST_SESSION_COOKIE,
      secret: spec.sessionSecret,
      store: handle.store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: IDLE_MS },
    }),
  );
  app.post(SEED_PATH, express.json({ limit: '64kb' }), (req, res) => {
    Object.assign(req.session, req.body);
    res.sendStatus(204);
  });
  app.get(PAGE_PATH, (req, res) => {
    const user = packageStateOf(req.session)?.user ?? (req.session as { user?: { email?: string } }).user;
    if (!user) {
      res.redirect(303, '/login');
      return;
    }
    res.render(PAGE_VIEW, pageLocals(user.email ?? ''));
  });
  return { app, store: handle.store, writes: handle, close: () => handle.close() };
}
