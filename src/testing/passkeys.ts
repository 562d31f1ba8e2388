type WebAuthnEmulatorModule = typeof import('nid-webauthn-emulator');

/**
 * What a browser's `PublicKeyCredential.toJSON()` gives after `navigator.credentials.create()`
 * (WebAuthn's RegistrationResponseJSON): what `CompleteWebAuthnRegistration` takes as `Credential`.
 */
export interface PasskeyRegistrationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports?: string[]; [key: string]: unknown };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/**
 * What a browser's `PublicKeyCredential.toJSON()` gives after `navigator.credentials.get()`
 * (AuthenticationResponseJSON): the `CREDENTIAL` of a `WEB_AUTHN` challenge answer, as a JSON string.
 */
export interface PasskeyAuthenticationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/** Options of {@link createPasskeyAuthenticator}. */
export interface PasskeyAuthenticatorOptions {
  /** The page's origin the ceremonies run at, as the browser reports it. Default `http://localhost:3000`. */
  origin?: string;
  /** Whether the authenticator verifies the person (PIN, fingerprint). Default true; false for a plain security key. */
  userVerification?: boolean;
}

/**
 * A software passkey authenticator, standing in for the browser and its authenticator in tests without
 * a browser: it answers WebAuthn's JSON options (`navigator.credentials.create/get`) with the JSON a
 * browser would send back, and keeps the passkeys it created in memory.
 */
export interface PasskeyAuthenticator {
  /** The origin its ceremonies run at unless one is given. */
  readonly origin: string;
  /**
   * `navigator.credentials.create({ publicKey })`: a new passkey for `options` (PublicKeyCredentialCreationOptionsJSON,
   * e.g. StartWebAuthnRegistration's `CredentialCreationOptions`). Like a browser, it throws a `SecurityError`
   * when the relying party ID does not belong to the origin, and a `NotAllowedError` when it already holds one
   * of the excluded credentials.
   */
  create(options: object | string, at?: { origin?: string }): PasskeyRegistrationResponse;
  /**
   * `navigator.credentials.get({ publicKey })`: an assertion for `options` (PublicKeyCredentialRequestOptionsJSON,
   * e.g. the `WEB_AUTHN` challenge's `CREDENTIAL_REQUEST_OPTIONS`, object or JSON string) with a passkey it
   * holds. Throws a `NotAllowedError` when it holds none of the allowed credentials.
   */
  get(options: object | string, at?: { origin?: string }): PasskeyAuthenticationResponse;
  /** The ids (base64url) of the passkeys it holds. */
  credentialIds(): string[];
}

let loaded: WebAuthnEmulatorModule | undefined;

/** nid-webauthn-emulator, loaded on first use so that hosts that never test passkeys need not install it. */
function webAuthnEmulator(): WebAuthnEmulatorModule {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, loaded synchronously on first use; a missing one is MODULE_NOT_FOUND here
    loaded = require('nid-webauthn-emulator') as WebAuthnEmulatorModule;
    return loaded;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error("the test kit's passkey authenticator needs nid-webauthn-emulator: npm install --save-dev nid-webauthn-emulator@^0.2.11");
  }
}

function parsed(options: object | string): object {
  return typeof options === 'string' ? (JSON.parse(options) as object) : options;
}

/**
 * A software passkey authenticator (a FIDO2 authenticator and the browser's WebAuthn API, emulated by
 * nid-webauthn-emulator, whose responses @simplewebauthn/server verifies). Each one has its own store of
 * passkeys: one per relying party and user, as a phone or a laptop keeps them.
 *
 * Needs the dev dependency `nid-webauthn-emulator`; the error says so when it is missing.
 */
export function createPasskeyAuthenticator(options: PasskeyAuthenticatorOptions = {}): PasskeyAuthenticator {
  const { WebAuthnEmulator, AuthenticatorEmulator, PasskeysCredentialsMemoryRepository } = webAuthnEmulator();
  const origin = (options.origin ?? 'http://localhost:3000').replace(/\/+$/, '');
  const repository = new PasskeysCredentialsMemoryRepository();
  const verified = options.userVerification !== false;
  const interaction = () => ({ options: { uv: verified, up: true } });
  const emulator = new WebAuthnEmulator(
    new AuthenticatorEmulator({
      credentialsRepository: repository,
      verifications: { userVerified: verified, userPresent: true },
      userMakeCredentialInteraction: interaction,
      userGetAssertionInteraction: interaction,
    }),
  );
  type CreationJson = Parameters<typeof emulator.createJSON>[1];
  type RequestJson = Parameters<typeof emulator.getJSON>[1];
  return {
    origin,
    create: (creation, at = {}) =>
      emulator.createJSON(at.origin ?? origin, parsed(creation) as CreationJson) as unknown as PasskeyRegistrationResponse,
    get: (request, at = {}) => emulator.getJSON(at.origin ?? origin, parsed(request) as RequestJson) as unknown as PasskeyAuthenticationResponse,
    credentialIds: () =>
      repository.loadCredentials().map((c) => Buffer.from(c.publicKeyCredentialDescriptor.id as ArrayBuffer).toString('base64url')),
  };
}
