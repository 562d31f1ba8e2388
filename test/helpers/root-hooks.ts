import { startTestEmulator, stopTestEmulator } from './emulator';

/** Mocha root hooks: one real cognito-local for the whole run, on a free port in a temp dir. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    await startTestEmulator();
  },
  async afterAll() {
    await stopTestEmulator();
  },
};
