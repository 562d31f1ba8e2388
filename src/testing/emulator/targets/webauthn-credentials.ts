import { attributeValue, CognitoError, errors, type Context } from '../cognito-local';
import { firstFactorsOf, webAuthnOf, type PasswordlessPool } from '../passwordless/pool';
import { newChallenge, verifyRegistration, type PasswordlessUser, type StoredPasskey } from '../passwordless/webauthn';
import type { Layer, LayerDeps } from '../registry';
import { checkAccessToken } from './access-token';

const API = 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference';

/**
 * How long a registration challenge waits for CompleteWebAuthnRegistration. Cognito says only that the
 * challenge can expire (WebAuthnChallengeNotFoundException); five minutes is the emulator's choice.
 */
export const REGISTRATION_VALIDITY_MS = 5 * 60_000;
/** `ListWebAuthnCredentials` `MaxResults`: 0–20; the default when it is left out is not documented (20 here). */
const PAGE_MAX = 20;

/** The signed-in user of an operation authorized by an access token (the guard has already checked the token). */
async function signedIn(ctx: Context, deps: LayerDeps, token: unknown) {
  const { claims, pool, user } = await checkAccessToken(ctx, deps, String(token));
  if (!user) throw new errors.NotAuthorizedError('User does not exist.');
  return { clientId: String(claims.client_id), pool, user: user as PasswordlessUser };
}

/**
 * The pool's relying party, where passkeys are on: "WebAuthnNotEnabledException: the passkey feature isn't
 * enabled for the user pool" (the emulator reads that as WEB_AUTHN missing from the sign-in policy);
 * "WebAuthnConfigurationMissingException: a user pool doesn't have a configured relying party id or a user
 * pool domain" (the emulator's pools have no domain).
 */
function relyingParty(pool: PasswordlessPool): { rpId: string; userVerification: 'required' | 'preferred' } {
  if (!firstFactorsOf(pool).includes('WEB_AUTHN'))
    throw new CognitoError('WebAuthnNotEnabledException', 'Passkeys are not enabled for this user pool.');
  const { relyingPartyId, userVerification } = webAuthnOf(pool);
  if (!relyingPartyId) throw new CognitoError('WebAuthnConfigurationMissingException', 'The user pool has no relying party ID and no domain.');
  return { rpId: relyingPartyId, userVerification };
}

function page(req: { MaxResults?: unknown; NextToken?: unknown }, total: number): { start: number; end: number } {
  const max = req.MaxResults === undefined ? PAGE_MAX : Number(req.MaxResults);
  if (!Number.isInteger(max) || max < 0 || max > PAGE_MAX) {
    throw new errors.InvalidParameterError(
      `1 validation error detected: Value '${String(req.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${PAGE_MAX}`,
    );
  }
  let start = 0;
  const nextToken = String(req.NextToken);
  if (req.NextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > total) throw new errors.InvalidParameterError('Invalid NextToken.');
  }
  return { start, end: Math.min(total, start + max) };
}

/** The four passkey operations, each authorized by the user's access token alone. */
export const webAuthnCredentialLayers: readonly Layer[] = [
  {
    // CredentialCreationOptions as Cognito returns them: ES256 and RS256, a discoverable credential, the
    // pool's user verification, and the user's passkeys excluded. `user.id` is the user's `sub`.
    target: 'StartWebAuthnRegistration',
    reference: `${API}/API_StartWebAuthnRegistration.html`,
    wrap: (_next, deps) => async (ctx, req) => {
      const { clientId, pool, user } = await signedIn(ctx, deps, req.AccessToken);
      const { rpId, userVerification } = relyingParty(pool.options);
      const challenge = newChallenge();
      await pool.saveUser(ctx, {
        ...user,
        WebAuthnRegistration: { Challenge: challenge, ClientId: clientId, IssuedAt: deps.clock.now() },
      } as PasswordlessUser);
      const sub = attributeValue('sub', user.Attributes) ?? user.Username;
      return {
        CredentialCreationOptions: {
          rp: { id: rpId, name: rpId },
          user: {
            id: Buffer.from(sub, 'utf8').toString('base64url'),
            name: attributeValue('email', user.Attributes) ?? user.Username,
            displayName: '',
          },
          challenge,
          pubKeyCredParams: [
            { type: 'public-key', alg: -7 },
            { type: 'public-key', alg: -257 },
          ],
          timeout: 60_000,
          excludeCredentials: (user.WebAuthnCredentials ?? [])
            .filter((p) => p.RelyingPartyId === rpId)
            .map((p) => ({ type: 'public-key', id: p.CredentialId })),
          authenticatorSelection: { requireResidentKey: true, residentKey: 'required', userVerification },
        },
      };
    },
  },
  {
    target: 'CompleteWebAuthnRegistration',
    reference: `${API}/API_CompleteWebAuthnRegistration.html`,
    wrap: (_next, deps) => async (ctx, req) => {
      const { clientId, pool, user } = await signedIn(ctx, deps, req.AccessToken);
      const { rpId, userVerification } = relyingParty(pool.options);
      const pending = user.WebAuthnRegistration;
      const now = deps.clock.now();
      if (!pending || now - pending.IssuedAt > REGISTRATION_VALIDITY_MS) {
        throw new CognitoError('WebAuthnChallengeNotFoundException', 'The challenge from StartWebAuthnRegistration was not found or has expired.');
      }
      if (pending.ClientId !== clientId) {
        throw new CognitoError(
          'WebAuthnClientMismatchException',
          'The access token is for a different client than the one in the StartWebAuthnRegistration request.',
        );
      }
      const verified = await verifyRegistration(req.Credential, { challenge: pending.Challenge, rpId, userVerification });
      const passkeys = user.WebAuthnCredentials ?? [];
      if (passkeys.some((p) => p.CredentialId === verified.CredentialId))
        throw new errors.InvalidParameterError('This passkey is already registered.');
      // "An automatically-generated friendly name": Cognito's own names are not documented.
      const added: StoredPasskey = { ...verified, FriendlyCredentialName: `Passkey ${verified.CredentialId.slice(0, 8)}`, CreatedAt: now };
      await pool.saveUser(ctx, { ...user, WebAuthnCredentials: [...passkeys, added], WebAuthnRegistration: undefined } as PasswordlessUser);
      return {};
    },
  },
  {
    target: 'ListWebAuthnCredentials',
    reference: `${API}/API_ListWebAuthnCredentials.html`,
    wrap: (_next, deps) => async (ctx, req) => {
      const { user } = await signedIn(ctx, deps, req.AccessToken);
      const passkeys = user.WebAuthnCredentials ?? [];
      const { start, end } = page(req, passkeys.length);
      return {
        Credentials: passkeys.slice(start, end).map((p) => ({
          CredentialId: p.CredentialId,
          FriendlyCredentialName: p.FriendlyCredentialName,
          RelyingPartyId: p.RelyingPartyId,
          ...(p.AuthenticatorAttachment ? { AuthenticatorAttachment: p.AuthenticatorAttachment } : {}),
          AuthenticatorTransports: p.Transports,
          CreatedAt: new Date(p.CreatedAt),
        })),
        ...(end < passkeys.length ? { NextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : {}),
      };
    },
  },
  {
    target: 'DeleteWebAuthnCredential',
    reference: `${API}/API_DeleteWebAuthnCredential.html`,
    wrap: (_next, deps) => async (ctx, req) => {
      const { pool, user } = await signedIn(ctx, deps, req.AccessToken);
      const passkeys = user.WebAuthnCredentials ?? [];
      if (!passkeys.some((p) => p.CredentialId === req.CredentialId)) throw new errors.ResourceNotFoundError('Credential not found.');
      await pool.saveUser(ctx, { ...user, WebAuthnCredentials: passkeys.filter((p) => p.CredentialId !== req.CredentialId) } as PasswordlessUser);
      return {};
    },
  },
];
