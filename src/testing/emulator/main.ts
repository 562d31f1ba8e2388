import { createLogger } from './cognito-local';
import { createEmulatorServer } from './server';
import type { EmulatorMessage } from './start';

/**
 * The emulator's process, started by `startEmulator` (start.ts) in its working directory:
 * cognito-local with the fidelity layer. Reads what cognito-local's own start script reads (`PORT`,
 * `HOST`, `.cognito/config.json`); `--test-controls` serves the loopback-only clock. It ends with its parent:
 * a test run killed with SIGKILL leaves no emulator holding its port.
 */
async function main(): Promise<void> {
  const logger = createLogger();
  const { start } = await createEmulatorServer({ dir: process.cwd(), logger, testControls: process.argv.includes('--test-controls') });
  const server = await start();
  // Ready: the parent (startEmulator) waits for this message from its own child, not for whatever answers on the port.
  process.send?.({ type: 'listening' } satisfies EmulatorMessage);
  const address = server.address();
  logger.info(
    `Cognito Local (with the test kit's fidelity layer) running on http://${typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address)}`,
  );
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  // Another process took the port between the parent's check and this listen: the parent says so (and
  // picks another port when it chose this one itself).
  if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE' && process.send)
    process.send({ type: 'port-in-use', detail: (err as Error).message } satisfies EmulatorMessage, () => process.exit(1));
  else process.exit(1);
});
