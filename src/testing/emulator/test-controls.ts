import type { Request, Response } from 'express';
import type { EmulatorClock } from './clock';
import type { RouteTable } from './cognito-local';

/** Where the test controls answer. Not a Cognito endpoint: nothing in the package calls it outside tests. */
export const TEST_CONTROLS_PATH = '/_emulator';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Only a client on this machine, not relayed by a proxy (the headers can only refuse, never allow). */
function fromThisMachine(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !FORWARDING.some((header) => req.headers[header] !== undefined);
}

/**
 * `POST /_emulator/clock` moves the emulator's clock (`advance=<seconds>`) or puts it back (`reset=1`), and
 * answers `{ now, offsetSeconds }`: how tests reach code expiry, token expiry and grace periods without
 * sleeping. Everyone else, and a request relayed by a proxy, gets 404.
 */
export function attachTestControls(app: RouteTable, clock: EmulatorClock): void {
  app.post(`${TEST_CONTROLS_PATH}/clock`, (req: Request, res: Response) => {
    if (!fromThisMachine(req)) return void res.status(404).json({ message: 'Not found' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const advance = Number(body.advance);
    if (body.reset !== undefined) clock.reset();
    else if (Number.isFinite(advance)) clock.advance(advance);
    else return void res.status(400).json({ message: 'give advance=<seconds> or reset=1' });
    res.status(200).json({ now: clock.now(), offsetSeconds: clock.offsetSeconds });
  });
}
