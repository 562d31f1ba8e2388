import { assertPortFree } from '../../src/testing/emulator/start';
import { freePort as osFreePort } from '../../src/testing/free-port';

/**
 * A port where nothing listens, for the tests of an unreachable service (a refused connection, at once):
 * 1 (tcpmux), privileged, and served on no test machine. A port from `freePort()` would not do: once
 * released, another worker's emulator or server may be given it and answer there.
 */
export const REFUSED_PORT = 1;

/**
 * The suite's ports come in turn from a block of this process's own, below Linux's ephemeral range
 * (32768–60999): each mocha worker (MOCHA_WORKER_ID) has its block, and a serial run one more, so two
 * workers are never handed the same port, and no port the system picks for a `listen(0)` (the kit's own
 * `freePort()`, the browsers') or an outgoing connection falls in one. The start within the block
 * follows the process id, for two runs at once; each port is checked free when it is handed out.
 */
const BLOCK_SIZE = 1500;
const FIRST_BLOCK = 16000;
const blockIndex = process.env.MOCHA_WORKER_ID === undefined ? 10 : Number(process.env.MOCHA_WORKER_ID) % 10;
const blockStart = FIRST_BLOCK + blockIndex * BLOCK_SIZE;
let offset = (process.pid * 7919) % BLOCK_SIZE;

/** Whether a server could listen on the port now (the kit's own check). */
function isFree(port: number): Promise<boolean> {
  return assertPortFree('127.0.0.1', port).then(
    () => true,
    () => false,
  );
}

/** A port of this process's block that is free now, never handed out before in this run (until the block wraps). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BLOCK_SIZE; tries += 1) {
    const port = blockStart + offset;
    offset = (offset + 1) % BLOCK_SIZE;
    if (await isFree(port)) return port;
  }
  return osFreePort();
}

/** `count` different free ports. */
export function freePorts(count: 2): Promise<[number, number]>;
export function freePorts(count: number): Promise<number[]>;
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i += 1) ports.push(await freePort());
  return ports;
}
