import net from 'node:net';

/**
 * A port where nothing listens, for the tests of an unreachable service (a refused connection, at once):
 * 1 (tcpmux), privileged, and served on no test machine. A port from `freePort()` would not do: once
 * released, another worker's emulator or server may be given it and answer there.
 */
export const REFUSED_PORT = 1;

/** The test kit's free-port helper, shared by the suite. */
export { freePort } from '../../src/testing/free-port';

/**
 * `count` different ports that were free a moment ago on 127.0.0.1. Each is held until all are chosen:
 * two `freePort()` calls in a row may be given the same port, since the first is released before the
 * second is asked for.
 */
export function freePorts(count: 2): Promise<[number, number]>;
export function freePorts(count: number): Promise<number[]>;
export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      held.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return held.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(held.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}
