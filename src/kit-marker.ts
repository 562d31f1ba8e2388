/**
 * The test kit's mark on the `cognito` options it hands out (`startCognitoLocal().options`): a
 * symbol-keyed property, so it survives `{ ...cognito.options }` but no configuration file, environment
 * variable or JSON can carry it. `cognitoAuth()` relaxes its default request limits for it, and only on
 * the emulator outside production: the real-Cognito path never sees the difference.
 */
const TEST_KIT = Symbol('express-cognito-signin.test-kit');

/** Marks `options` as the test kit's (in place) and returns them. */
export function markAsTestKit<T extends object>(options: T): T {
  return Object.assign(options, { [TEST_KIT]: true });
}

/** True when `options` came from the test kit (or were spread from its options). */
export function isTestKit(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as Record<symbol, unknown>)[TEST_KIT] === true;
}
