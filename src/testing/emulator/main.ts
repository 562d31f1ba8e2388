import { createLogger } from './cognito-local';
import { createEmulatorServer } from './server';

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
  const address = server.address();
  logger.info(
    `Cognito Local (with the test kit's fidelity layer) running on http://${typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address)}`,
  );
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
