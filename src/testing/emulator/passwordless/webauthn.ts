import { randomBytes } from 'node:crypto';
import { CognitoError, errors, type User } from '../cognito-local';

type WebAuthnServer = typeof import('@simplewebauthn/server');

/** A passkey as the layer keeps it on the user record (no name ends in "Date": cognito-local's store would make it one). */
export interface StoredPasskey {
  CredentialId: string;
  /** The COSE public key, base64url. */
  PublicKey: string;
  Counter: number;
  Transports: string[];
  AuthenticatorAttachment?: string;
  RelyingPartyId: string;
  FriendlyCredentialName: string;
  /** On the emulator's clock (ms). */
  CreatedAt: number;
}

/** A user record with what choice-based sign-in keeps on it. */
export type PasswordlessUser = User & {
  WebAuthnCredentials?: StoredPasskey[];
  /** The challenge of the last StartWebAuthnRegistration, until CompleteWebAuthnRegistration uses it. */
  WebAuthnRegistration?: { Challenge: string; ClientId: string; IssuedAt: number };
  /** The e-mailed sign-in code of the newest EMAIL_OTP challenge (the offline mailbox reads it). */
  SignInCode?: { Code: string; IssuedAt: number; ExpiresAt: number };
};

let loaded: WebAuthnServer | undefined;

/**
 * @simplewebauthn/server, loaded when a passkey operation first needs it: a host that never tests
 * passkeys does not have to install it.
 */
function webAuthnServer(): WebAuthnServer {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, loaded synchronously on first use; a missing one is MODULE_NOT_FOUND here
    loaded = require('@simplewebauthn/server') as WebAuthnServer;
    return loaded;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new errors.UnsupportedError(
      'passkeys in the emulator need @simplewebauthn/server: install it beside cognito-local (npm install --save-dev @simplewebauthn/server@^13)',
    );
  }
}

/** A WebAuthn challenge: 16 random bytes, base64url, as Cognito's options carry. */
export function newChallenge(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Whether a ceremony at `origin` may use passkeys of `rpId`. Cognito refuses a registration whose "origin
 * does not align with the user pool relying party id" (WebAuthnOriginNotAllowedException); it keeps no
 * list of origins. The emulator applies the browser's own rule (WebAuthn §5.1.3: the RP ID is the
 * origin's host or a registrable suffix of it) on a secure context: `https:`, or `http:` on `localhost`
 * and its subdomains. So `http://localhost:3000` and `http://app.localhost:3000` both align with
 * `localhost`. https://www.w3.org/TR/webauthn-3/#sctn-validating-origin
 */
export function originAllowed(origin: unknown, rpId: string): boolean {
  if (typeof origin !== 'string') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.hostname;
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && (host === 'localhost' || host.endsWith('.localhost')));
  return url.origin === origin && secure && (host === rpId || host.endsWith(`.${rpId}`));
}

/** The client data of a credential response, or undefined when it cannot be read. */
function clientDataOf(credential: unknown): { challenge?: unknown; origin?: unknown } | undefined {
  const encoded = (credential as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof encoded !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Why @simplewebauthn/server refused an assertion, in words that give away no expected value. */
function reasonOf(err: Error): string {
  if (err.name === 'UnexpectedRPIDHash') return 'the relying party does not match';
  if (/challenge/i.test(err.message)) return "the challenge is not this session's";
  if (/counter/i.test(err.message)) return 'the signature counter went back';
  if (/verif/i.test(err.message)) return 'user verification is required';
  if (/present/i.test(err.message)) return 'the user was not present';
  return 'the credential does not verify';
}

/** The algorithms Cognito's creation options offer: ES256 and RS256. */
const ALGORITHMS = [-7, -257];

function webAuthnError(name: string, message: string): Error {
  return new CognitoError(name, message);
}

/**
 * Verifies a RegistrationResponseJSON against the challenge StartWebAuthnRegistration issued, with the
 * errors CompleteWebAuthnRegistration lists (their texts are the reference's descriptions; Cognito's own
 * messages are not documented).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html
 */
export async function verifyRegistration(
  credential: unknown,
  expected: { challenge: string; rpId: string; userVerification: 'required' | 'preferred' },
): Promise<Omit<StoredPasskey, 'FriendlyCredentialName' | 'CreatedAt'>> {
  const clientData = clientDataOf(credential);
  if (!credential || typeof credential !== 'object' || !clientData) {
    throw new errors.InvalidParameterError('Credential must be a RegistrationResponseJSON object.');
  }
  if (clientData.challenge !== expected.challenge) {
    throw webAuthnError('WebAuthnChallengeNotFoundException', 'The challenge from StartWebAuthnRegistration was not found or has expired.');
  }
  if (!originAllowed(clientData.origin, expected.rpId)) {
    throw webAuthnError(
      'WebAuthnOriginNotAllowedException',
      "The passkey credential's registration origin does not align with the user pool relying party id.",
    );
  }
  const { verifyRegistrationResponse } = webAuthnServer();
  let verified: Awaited<ReturnType<WebAuthnServer['verifyRegistrationResponse']>>;
  try {
    verified = await verifyRegistrationResponse({
      response: credential as Parameters<WebAuthnServer['verifyRegistrationResponse']>[0]['response'],
      expectedChallenge: expected.challenge,
      expectedOrigin: clientData.origin as string,
      expectedRPID: expected.rpId,
      requireUserVerification: expected.userVerification === 'required',
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (err) {
    const message = (err as Error).message;
    if ((err as Error).name === 'UnexpectedRPIDHash') {
      throw webAuthnError(
        'WebAuthnRelyingPartyMismatchException',
        'The passkey credential is associated with a different relying party ID than the user pool relying party ID.',
      );
    }
    if (/public key alg|Attestation Format|user verification|user was not present/i.test(message)) {
      throw webAuthnError('WebAuthnCredentialNotSupportedException', `The passkey credential is not supported: ${message}`);
    }
    throw new errors.InvalidParameterError(`Invalid passkey credential: ${message}`);
  }
  const info = verified.registrationInfo;
  if (!verified.verified || !info) throw new errors.InvalidParameterError('Invalid passkey credential: its attestation does not verify.');
  const response = credential as { authenticatorAttachment?: unknown; response?: { transports?: unknown } };
  const transports = Array.isArray(response.response?.transports)
    ? response.response.transports.filter((t): t is string => typeof t === 'string')
    : [];
  return {
    CredentialId: info.credential.id,
    PublicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    Counter: info.credential.counter,
    Transports: transports,
    ...(typeof response.authenticatorAttachment === 'string' ? { AuthenticatorAttachment: response.authenticatorAttachment } : {}),
    RelyingPartyId: expected.rpId,
  };
}

/**
 * Verifies the AuthenticationResponseJSON a WEB_AUTHN challenge was answered with (`CREDENTIAL`, a JSON
 * string) against one of the user's passkeys. No WebAuthn error is listed for RespondToAuthChallenge:
 * every refusal (unknown or deleted passkey, wrong challenge, origin, relying party, signature, a
 * counter gone back) is NotAuthorizedException; its message is the emulator's own.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 */
export async function verifyAssertion(
  credentialJson: unknown,
  expected: { challenge: string; rpId: string; userVerification: 'required' | 'preferred'; passkeys: readonly StoredPasskey[] },
): Promise<{ credentialId: string; newCounter: number }> {
  const refused = (why: string) => new errors.NotAuthorizedError(`Invalid passkey credential: ${why}.`);
  if (typeof credentialJson !== 'string') throw new errors.InvalidParameterError('Missing required parameter CREDENTIAL');
  let credential: { id?: unknown };
  try {
    credential = JSON.parse(credentialJson) as { id?: unknown };
  } catch {
    throw refused('CREDENTIAL is not JSON');
  }
  const clientData = clientDataOf(credential);
  const passkey = expected.passkeys.find((p) => p.CredentialId === credential?.id && p.RelyingPartyId === expected.rpId);
  if (!passkey) throw refused('the passkey is not registered for this user');
  if (!clientData || !originAllowed(clientData.origin, expected.rpId)) throw refused('the origin does not align with the relying party');
  const { verifyAuthenticationResponse } = webAuthnServer();
  try {
    const result = await verifyAuthenticationResponse({
      response: credential as Parameters<WebAuthnServer['verifyAuthenticationResponse']>[0]['response'],
      expectedChallenge: expected.challenge,
      expectedOrigin: clientData.origin as string,
      expectedRPID: expected.rpId,
      credential: { id: passkey.CredentialId, publicKey: Buffer.from(passkey.PublicKey, 'base64url'), counter: passkey.Counter },
      requireUserVerification: expected.userVerification === 'required',
    });
    if (!result.verified) throw refused('the signature does not verify');
    return { credentialId: passkey.CredentialId, newCounter: result.authenticationInfo.newCounter };
  } catch (err) {
    if (err instanceof CognitoError) throw err;
    throw refused(reasonOf(err as Error));
  }
}
