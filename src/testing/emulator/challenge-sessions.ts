import type { EmulatorClock } from './clock';
import { errors } from './cognito-local';

/** Who a challenge session was issued to. */
export interface ChallengeSession {
  userPoolId: string;
  clientId: string;
  /** The user's username, and the alias the sign-in named them by (an answer may use either). */
  names: string[];
  challengeName: string;
  expiresAt: number;
  /** What the choice-based sign-in (targets/passwordless.ts) keeps with its sessions. */
  passwordless?: PasswordlessState;
}

/** The state of a `USER_AUTH` challenge, kept with its session as Cognito keeps it server-side. */
export interface PasswordlessState {
  /** SELECT_CHALLENGE: what `AvailableChallenges` offered; an answer must be one of them. */
  available?: string[];
  /** EMAIL_OTP: the code e-mailed for this session, and the wrong codes it has seen. */
  code?: string;
  failures?: number;
  /** WEB_AUTHN: the challenge in `CREDENTIAL_REQUEST_OPTIONS` (base64url). */
  webAuthnChallenge?: string;
  /** The session answers for a user who does not exist (the client prevents user-existence errors). */
  unknownUser?: boolean;
}

/**
 * The `Session` strings of auth challenges, in memory like Cognito's (a restart forgets them). A session
 * lives for the app client's `AuthSessionValidity` (3 minutes unless set) and answers once: a right
 * answer, or a next challenge, uses it up; a wrong code leaves it for another try.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-AuthSessionValidity
 */
export class ChallengeSessions {
  private readonly sessions = new Map<string, ChallengeSession>();

  constructor(private readonly clock: EmulatorClock) {}

  /** Remembers a session just issued with a challenge, valid for `validityMinutes`. */
  issue(session: string, who: Omit<ChallengeSession, 'expiresAt'>, validityMinutes = 3): void {
    this.prune();
    this.sessions.set(session, { ...who, expiresAt: this.clock.now() + validityMinutes * 60_000 });
  }

  /**
   * The live session for an answer from `clientId` about `username` to the challenge `challengeName`.
   *
   * @throws NotAuthorizedException as Cognito answers an unknown, used or expired session, and a session
   *   answered as another challenge than the one it was issued with (an answer to SELECT_CHALLENGE must
   *   not pass for a two-step code).
   */
  check(session: unknown, clientId: string, username: unknown, challengeName?: unknown): ChallengeSession {
    const found = typeof session === 'string' ? this.sessions.get(session) : undefined;
    if (!found || found.expiresAt < this.clock.now() || found.clientId !== clientId) {
      throw new errors.NotAuthorizedError('Invalid session for the user, session is expired.');
    }
    if (typeof username === 'string' && !found.names.some((name) => name.toLowerCase() === username.toLowerCase())) {
      throw new errors.NotAuthorizedError('Invalid session for the user.');
    }
    if (challengeName !== undefined && challengeName !== found.challengeName) {
      throw new errors.NotAuthorizedError('Invalid session for the user.');
    }
    return found;
  }

  /** Changes what a live session keeps (a wrong code counted). */
  update(session: string, passwordless: PasswordlessState): void {
    const found = this.sessions.get(session);
    if (found) found.passwordless = passwordless;
  }

  /** Uses a session up. */
  spend(session: string): void {
    this.sessions.delete(session);
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, value] of this.sessions) if (value.expiresAt < now) this.sessions.delete(key);
  }
}
