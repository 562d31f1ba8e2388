import type { Guard, Layer } from '../registry';
import { accessTokenGuard } from './access-token';
import { attributeLayers } from './attributes';
import { clientLayers } from './clients';
import { codeLayers } from './codes';
import { passwordlessLayers } from './passwordless';
import { poolFeatureLayers } from './pool-features';
import { passwordPolicyLayers } from './password-policy';
import { refreshLayers } from './refresh';
import { signInLayers } from './sign-in';
import { signOutLayers } from './sign-out';
import { webAuthnCredentialLayers } from './webauthn-credentials';

/**
 * Every operation the fidelity layer adds or changes, by module. Order matters only between layers of the
 * same operation: the first listed runs first. So the passwordless flows see `InitiateAuth` before the
 * password sign-in, and a challenge's session is checked before a new password's policy.
 */
export const LAYERS: readonly Layer[] = [
  ...passwordlessLayers,
  ...signInLayers,
  ...refreshLayers,
  ...signOutLayers,
  ...passwordPolicyLayers,
  ...codeLayers,
  ...attributeLayers,
  ...clientLayers,
  ...poolFeatureLayers,
  ...webAuthnCredentialLayers,
];

/** Checks before every operation. */
export const GUARDS: readonly Guard[] = [accessTokenGuard];
