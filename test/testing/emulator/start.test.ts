import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EmulatorError, EmulatorExitedError, EmulatorNotReadyError, PortInUseError, startEmulator, waitForEmulator } from '../../../src/testing';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { startEmulatorOnFreePort } from '../../../src/testing/free-port';
import { freePort, REFUSED_PORT } from '../../helpers/ports';

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
    const url = `http://127.0.0.1:${REFUSED_PORT}`;
    const err = await waitForEmulator(url, { timeoutMs: 150 }).then(
      () => expect.fail('an address where nothing listens answered'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmulatorNotReadyError).and.to.be.instanceOf(EmulatorError);
    expect(err).to.include({ code: 'not_ready', url, timeoutMs: 150, message: `cognito-local did not answer on ${url} within 150 ms` });
  });

  it('stops waiting with the reason it is given: not_ready, the reason as its message', async () => {
    const url = `http://127.0.0.1:${REFUSED_PORT}`;
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

  it('is ready on its own word, not on what answers the port: a port taken after the check is port_in_use, even where the taker answers /health', async function () {
    this.timeout(20_000);
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-start-'));
    // Another program that looks healthy takes the port while the emulator's process is still loading.
    const impostor = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    try {
      const starting = startEmulator({ dir, port }).then(
        () => expect.fail('took the other program for the emulator'),
        (e: unknown) => e,
      );
      await delay(50);
      await new Promise<void>((resolve, reject) => impostor.once('error', reject).listen(port, '127.0.0.1', resolve));
      const err = await starting;
      expect(err).to.be.instanceOf(PortInUseError);
      expect(err).to.include({ code: 'port_in_use', host: '127.0.0.1', port });
      expect((err as PortInUseError).detail).to.contain('EADDRINUSE');
    } finally {
      impostor.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on a port of its own choosing, picks another when the one it found is taken', async function () {
    this.timeout(20_000);
    const held = await holdPort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-start-'));
    const offered = [held.port, await freePort()];
    const picks = [...offered];
    try {
      const emulator = await startEmulatorOnFreePort({ dir }, () => Promise.resolve(picks.shift() as number));
      try {
        expect(emulator.url).to.equal(`http://127.0.0.1:${offered[1]}`);
        expect((await fetch(`${emulator.url}/health`)).status).to.equal(200);
      } finally {
        await emulator.stop();
      }
    } finally {
      await held.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
