import net from 'node:net';
import { PortInUseError } from './emulator/errors';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './emulator/start';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * {@link startEmulator} on a port the operating system picks: another process may take a free port before
 * the emulator listens on it (parallel test workers each starting one), so a port found taken is
 * replaced by another, a few times.
 *
 * @param pickPort - where the ports come from (tests pass their own).
 */
export async function startEmulatorOnFreePort(
  options: Omit<StartEmulatorOptions, 'port'>,
  pickPort: () => Promise<number> = freePort,
): Promise<RunningEmulator> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startEmulator({ ...options, port: await pickPort() });
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= 5) throw err;
    }
  }
}
