import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { cognitoAuth, createMemoryStore } from '../../src/index';
import { computeSecretHash } from '../../src/cognito/secret-hash';
import { removeAbandonedTempDirs, startCognitoLocal, type CognitoLocal } from '../../src/testing';
import { createOwnedTempDir } from '../../src/testing/stale-dirs';
import { turnOnTotp } from './emulator/fixtures';

const BASE_URL = 'http://kit.localhost:3000';

/** Runs test/testing/fixtures/killed-run.ts until it has started its emulator, then kills it with SIGKILL. */
async function killedRun(): Promise<{ dir: string; url: string }> {
  const script = path.join(__dirname, 'fixtures', 'killed-run.ts');
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
    child.once('exit', (code) => reject(new Error(`the run exited (${code}) before its emulator started: ${errors}`)));
  });
  // Until its parent has reaped it, a killed process is a zombie, and a zombie's pid still answers `kill(pid, 0)`.
  const reaped = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await reaped;
  return JSON.parse(line) as { dir: string; url: string };
}

/** Whether anything answers the emulator's health check within the next `ms`, asked every 100 ms until it stops. */
async function stopsAnswering(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const up = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!up) return true;
    await delay(100);
  }
  return false;
}

describe('the test kit (startCognitoLocal)', function () {
  this.timeout(40_000);
  let killed: { dir: string; url: string };
  let emulatorEnded: boolean;
  let cognito: CognitoLocal;

  before(async () => {
    killed = await killedRun();
    emulatorEnded = await stopsAnswering(killed.url, 10_000);
    cognito = await startCognitoLocal({ baseUrl: BASE_URL });
  });
  after(async () => cognito?.stop());

  describe('after a run killed before stop()', () => {
    it('its emulator ended with it, freeing the port', () => {
      expect(emulatorEnded).to.equal(true);
    });

    it('the next start removes the directory it left', () => {
      expect(fs.existsSync(killed.dir)).to.equal(false);
    });
  });

  describe('removeAbandonedTempDirs', () => {
    it('removes only marked directories whose owner no longer runs', () => {
      const prefix = `kit-stale-test-${process.pid}-`;
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const abandoned = createOwnedTempDir(prefix);
      fs.writeFileSync(path.join(abandoned, '.test-kit-owner.json'), JSON.stringify({ pid: dead, hostname: os.hostname() }));
      const alive = createOwnedTempDir(prefix);
      fs.writeFileSync(path.join(alive, '.test-kit-owner.json'), JSON.stringify({ pid: process.ppid, hostname: os.hostname() }));
      const unmarked = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      const mine = createOwnedTempDir(prefix);
      try {
        expect(removeAbandonedTempDirs(prefix)).to.deep.equal([abandoned]);
        expect([alive, unmarked, mine].map((dir) => fs.existsSync(dir))).to.deep.equal([true, true, true]);
      } finally {
        for (const dir of [abandoned, alive, unmarked, mine]) fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('signInWithHostedUi', () => {
    it('signs in an account with two-step sign-in, answering the emulator’s code step', async () => {
      const user = await cognito.createUser();
      const auth = (
        await cognito.client.send(
          new InitiateAuthCommand({
            ClientId: cognito.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: {
              USERNAME: user.email,
              PASSWORD: user.password,
              SECRET_HASH: computeSecretHash(user.email, cognito.clientId, cognito.clientSecret ?? ''),
            },
          }),
        )
      ).AuthenticationResult;
      const totpSecret = await turnOnTotp(auth?.AccessToken as string, cognito.client);
      const app = express();
      app.use(
        cognitoAuth({
          baseUrl: BASE_URL,
          cognito: cognito.options,
          session: { store: createMemoryStore(), secret: 'kit-test-secret-kit-test-secret-0123' },
        }),
      );
      const withoutCode = await cognito.signInWithHostedUi(supertest.agent(app), user).then(
        () => 'signed in',
        (err: Error) => err.message,
      );
      expect(withoutCode, 'the password alone is not enough').to.contain('refused the credentials');
      const callback = await cognito.signInWithHostedUi(supertest.agent(app), { ...user, totpSecret });
      expect(callback.status).to.equal(303);
    });
  });

  describe('advanceClock', () => {
    it('lets a sign-up code expire without waiting, and resetClock puts the time back', async () => {
      const email = `kit-clock-${Date.now()}@example.com`;
      const hash = computeSecretHash(email, cognito.clientId, cognito.clientSecret ?? '');
      await cognito.client.send(
        new SignUpCommand({
          ClientId: cognito.clientId,
          Username: email,
          Password: 'Passw0rd!Kit',
          SecretHash: hash,
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const code = await cognito.latestCode(email);
      await cognito.advanceClock(25 * 3600);
      try {
        const confirm = cognito.client.send(
          new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code, SecretHash: hash }),
        );
        expect(
          await confirm.then(
            () => 'confirmed',
            (err: Error) => err.name,
          ),
        ).to.equal('ExpiredCodeException');
      } finally {
        await cognito.resetClock();
      }
    });
  });
});
