import { Router } from 'express';
import type { Mailbox } from '../cognito/mailbox';

/**
 * GET /dev/mailbox — the codes the emulator would have e-mailed, newest first. createApp mounts this
 * router only when the app runs on its embedded emulator outside production.
 */
export function createDevMailboxRouter(mailbox: Mailbox): Router {
  const router = Router();
  router.get('/dev/mailbox', async (_req, res) => {
    res.render('dev-mailbox', { entries: await mailbox.read() });
  });
  return router;
}
