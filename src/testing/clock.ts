/** Posts to the emulator's loopback-only test controls (src/testing/emulator/test-controls.ts). */
async function postClock(emulatorUrl: string, fields: Record<string, string>): Promise<void> {
  const res = await fetch(`${emulatorUrl.replace(/\/+$/, '')}/_emulator/clock`, { method: 'POST', body: new URLSearchParams(fields) });
  if (!res.ok) throw new Error(`the emulator's clock control answered ${res.status}: is it the kit's emulator, started with test controls?`);
}

/**
 * Moves the clock of the kit's emulator at `emulatorUrl` forward by `seconds`: confirmation codes, reset
 * codes, tokens and challenge sessions expire on it, so a test reaches an expiry without waiting. Put it
 * back with {@link resetEmulatorClock} (in an `afterEach` or `finally`), or later tests see moved time.
 */
export function advanceEmulatorClock(emulatorUrl: string, seconds: number): Promise<void> {
  return postClock(emulatorUrl, { advance: String(seconds) });
}

/** Puts the clock of the kit's emulator back to real time. */
export function resetEmulatorClock(emulatorUrl: string): Promise<void> {
  return postClock(emulatorUrl, { reset: '1' });
}
