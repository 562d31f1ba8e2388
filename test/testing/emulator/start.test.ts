import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EmulatorError, EmulatorExitedError, EmulatorNotReadyError, PortInUseError, startEmulator, waitForEmulator } from '../../../src/testing';
import { freePort } from '../../../src/testing/free-port';

/** A server of this test's own on a free port of 127.0.0.1, until `close()`. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('starting the emulator: one error class per failure, each with a code', () => {
  it('refuses a port another process holds before it starts anything: PortInUseError, port_in_use', async () => {
    const held = await holdPort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-start-'));
    try {
      const err = await startEmulator({ dir, port: held.port }).then(
        () => expect.fail('started on a port another process holds'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(PortInUseError).and.to.be.instanceOf(EmulatorError);
      expect(err).to.include({ code: 'port_in_use', host: '127.0.0.1', port: held.port, name: 'PortInUseError' });
      expect(fs.existsSync(path.join(dir, 'cognito-local.log')), 'nothing was started').to.equal(false);
    } finally {
      await held.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up on an address where nothing answers: EmulatorNotReadyError, not_ready, naming the address and the time', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await waitForEmulator(url, { timeoutMs: 150 }).then(
      () => expect.fail('an address where nothing listens answered'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmulatorNotReadyError).and.to.be.instanceOf(EmulatorError);
    expect(err).to.include({ code: 'not_ready', url, timeoutMs: 150, message: `cognito-local did not answer on ${url} within 150 ms` });
  });

  it('stops waiting with the reason it is given: not_ready, the reason as its message', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await waitForEmulator(url, { timeoutMs: 10_000, gaveUp: () => 'the process exited' }).then(
      () => expect.fail('waited on'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmulatorNotReadyError);
    expect(err).to.include({ code: 'not_ready', message: 'the process exited' });
  });

  it('says an emulator whose process ended before it answered exited, with its code and its log', () => {
    const err = new EmulatorExitedError(1, '/tmp/emulator/cognito-local.log');
    expect(err).to.be.instanceOf(EmulatorError);
    expect(err).to.include({ code: 'exited', exitCode: 1, name: 'EmulatorExitedError' });
    expect(err.message).to.equal('cognito-local exited (code 1) before it was ready; see /tmp/emulator/cognito-local.log');
  });
});
