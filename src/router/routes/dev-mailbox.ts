import { isIP } from 'node:net';
import { Router, type Request } from 'express';
import { asyncHandler } from '../../async-handler';
import type { Mailbox } from '../../cognito/mailbox';
import { sendView } from '../render';

/**
 * Headers a reverse proxy, a load balancer, a CDN or a tunnel (ngrok, cloudflared) adds: a request carrying
 * any of them was relayed, whoever sent it first. Every `X-Forwarded-*` header counts (a proxy may send only
 * `X-Forwarded-Host` or `X-Forwarded-Proto`), and so do the standard `Forwarded` and `Via` and the
 * client-address headers of nginx and the common CDNs.
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-original-forwarded-for',
] as const;

/** True when the request carries any header a relay adds (see {@link FORWARDING_HEADERS}). */
export function wasRelayed(req: Pick<Request, 'headers'>): boolean {
  return Object.keys(req.headers).some((name) => name.startsWith('x-forwarded') || (FORWARDING_HEADERS as readonly string[]).includes(name));
}

/** True for 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6 (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (typeof address !== 'string') return false;
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) !== 6) return false;
  let canonical: string;
  try {
    // The URL parser writes IPv6 one way: `[::1]`, `[::ffff:7f00:1]` for ::ffff:127.0.0.1.
    canonical = new URL(`http://[${address}]/`).hostname;
  } catch {
    return false;
  }
  if (canonical === '[::1]') return true;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(canonical);
  return mapped !== null && parseInt(mapped[1] as string, 16) >> 8 === 127;
}

/**
 * Whether this request may read the offline mailbox: always when `open` (DEV_MAILBOX_OPEN), otherwise
 * only from this machine. What counts is the socket's peer address, never X-Forwarded-For (anyone can
 * send it); a forwarding header only ever refuses, since a local proxy or tunnel relays other people.
 */
export function mayReadMailbox(req: Request, open: boolean): boolean {
  if (open) return true;
  if (wasRelayed(req)) return false;
  return isLoopbackAddress(req.socket.remoteAddress);
}

/** The offline mailbox's page, below the mount: the router serves this path (see page-groups.ts). */
export const DEV_MAILBOX_PATHS = ['/dev/mailbox'] as const;

/**
 * GET /dev/mailbox — the codes the emulator would have e-mailed, newest first. `cognitoAuth()` mounts
 * this router only on the emulator outside production; other clients than this machine get the host's
 * 404 unless `open`.
 */
export function createDevMailboxRouter(mailbox: Mailbox, options: { open: boolean }): Router {
  const router = Router();
  router.get(
    '/dev/mailbox',
    asyncHandler(async (req, res, next) => {
      if (!mayReadMailbox(req, options.open)) return next();
      sendView(res, 'dev-mailbox', 200, { entries: await mailbox.read() });
    }),
  );
  return router;
}
