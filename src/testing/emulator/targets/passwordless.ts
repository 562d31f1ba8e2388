import type { Layer } from '../registry';

/**
 * Choice-based sign-in and passkeys, in their own module(s), added next (issue 18 §4):
 * - `InitiateAuth` / `AdminInitiateAuth` with `AuthFlow: USER_AUTH` and the `PASSWORD`, `EMAIL_OTP` and
 *   `WEB_AUTHN` challenges (`SELECT_CHALLENGE`, `PREFERRED_CHALLENGE`), answered through
 *   `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`;
 * - `StartWebAuthnRegistration`, `CompleteWebAuthnRegistration`, `ListWebAuthnCredentials`,
 *   `DeleteWebAuthnCredential`.
 *
 * How to add them: a {@link Layer} per operation, each citing its AWS API reference page. Layers here run
 * before the password sign-in's (registry order), so an `InitiateAuth` layer handles `USER_AUTH` and hands
 * every other flow to `next`. The admin operations already forward to their public twins (targets/sign-in.ts),
 * so `AdminInitiateAuth` with `USER_AUTH` reaches the `InitiateAuth` layer here with `UserPoolId` removed.
 * Challenge sessions go through `deps.challenges` (issue, check, spend), tokens through
 * `deps.services.tokenGenerator` and `pool.storeRefreshToken` (which starts the token family revocation
 * needs), and every operation that names an `AccessToken` is checked by the access-token guard first.
 */
export const passwordlessLayers: readonly Layer[] = [];
