/**
 * The emulator's clock: real time plus an offset that tests move forward (through the loopback-only
 * test controls) instead of sleeping. cognito-local's services and the fidelity layer both read it, so
 * token times, code expiry, refresh-token expiry and challenge sessions all follow the same moved time.
 */
export class EmulatorClock {
  private offsetMs = 0;

  /** cognito-local's `Clock` interface. */
  get(): Date {
    return new Date(this.now());
  }

  /** Milliseconds since the epoch, on the emulator's time. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the emulator's time forward (or back, with a negative amount). */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Back to real time. */
  reset(): void {
    this.offsetMs = 0;
  }

  /** How far the emulator's time is from real time. */
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}
