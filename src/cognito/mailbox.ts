import fs from 'node:fs/promises';
import path from 'node:path';

/** A code cognito-local would have e-mailed and that is still waiting to be used. */
export interface MailboxEntry {
  email: string;
  code: string;
  /**
   * `attribute`: verifying the current address; `email-change`: the code for a new address not yet
   * applied; `sign-in`: a one-time sign-in code (choice-based sign-in's EMAIL_OTP).
   */
  kind: 'signup' | 'reset' | 'attribute' | 'email-change' | 'sign-in';
  sentAt: Date;
}

/** Reads the emulator's pending codes. Only ever created for the embedded emulator, outside production. */
export interface Mailbox {
  read(): Promise<MailboxEntry[]>;
}

interface StoredUser {
  Attributes?: Array<{ Name: string; Value?: string }>;
  UserStatus?: string;
  ConfirmationCode?: string;
  AttributeVerificationCode?: string;
  /** A change waiting for verification (pools that keep the original value until then). */
  UnverifiedAttributeChanges?: Array<{ Name: string; Value?: string }>;
  UserLastModifiedDate?: string;
  /** When each pending code was issued, kept by the kit's emulator (src/testing/emulator/code-stamps.ts). */
  CodeStamps?: Partial<Record<'ConfirmationCode' | 'AttributeVerificationCode', { IssuedAt?: number }>>;
  /** The newest e-mailed sign-in code, kept by the kit's emulator (src/testing/emulator/passwordless/factors.ts). */
  SignInCode?: { Code?: string; IssuedAt?: number; ExpiresAt?: number };
}

/**
 * The offline mailbox: cognito-local keeps each user's pending code in `.cognito/db/<poolId>.json` under
 * its working directory (it only prints the e-mail to its console). Newest first. A sign-in code is listed
 * until it is used, replaced by a newer one, or its challenge session's time is up (read on this
 * process's clock: with the emulator's clock moved forward, the emulator refuses it sooner).
 *
 * @param emulatorDir - the embedded emulator's working directory.
 * @param now - the clock that decides whether a sign-in code's time is up (tests may pass their own).
 */
export function createEmulatorMailbox(emulatorDir: string, userPoolId: string, now: () => number = Date.now): Mailbox {
  const file = path.join(emulatorDir, '.cognito', 'db', `${userPoolId}.json`);
  return {
    async read() {
      let users: Record<string, StoredUser>;
      try {
        users = (JSON.parse(await fs.readFile(file, 'utf8')) as { Users?: Record<string, StoredUser> }).Users ?? {};
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const entries: MailboxEntry[] = [];
      for (const user of Object.values(users)) {
        const email = user.Attributes?.find((a) => a.Name === 'email')?.Value;
        if (!email) continue;
        const modified = new Date(user.UserLastModifiedDate ?? 0);
        const sentAt = (field: 'ConfirmationCode' | 'AttributeVerificationCode') => {
          const issued = user.CodeStamps?.[field]?.IssuedAt;
          return typeof issued === 'number' ? new Date(issued) : modified;
        };
        if (user.ConfirmationCode) {
          const kind = user.UserStatus === 'UNCONFIRMED' ? 'signup' : 'reset';
          entries.push({ email, code: user.ConfirmationCode, kind, sentAt: sentAt('ConfirmationCode') });
        }
        if (user.AttributeVerificationCode) {
          // The code of a pending change is for the new address, as Cognito would e-mail it there.
          const pending = user.UnverifiedAttributeChanges?.find((a) => a.Name === 'email')?.Value;
          const kind = pending ? 'email-change' : 'attribute';
          entries.push({ email: pending ?? email, code: user.AttributeVerificationCode, kind, sentAt: sentAt('AttributeVerificationCode') });
        }
        const signIn = user.SignInCode;
        if (signIn?.Code && (signIn.ExpiresAt === undefined || signIn.ExpiresAt >= now())) {
          entries.push({ email, code: signIn.Code, kind: 'sign-in', sentAt: new Date(signIn.IssuedAt ?? modified.getTime()) });
        }
      }
      return entries.sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
    },
  };
}
