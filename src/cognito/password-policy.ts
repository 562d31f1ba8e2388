/** The pool's password policy, as DescribeUserPool reports it. */
export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}

/** A rule a password can fail; each has a message `policy.<rule>` in the catalogues. */
export type PasswordRule = 'length' | 'uppercase' | 'lowercase' | 'number' | 'symbol' | 'spaces';

/** The special characters Cognito counts as symbols (its documented list, and a non-edge space). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '.split(''));

/**
 * Checks a password against the policy, as Cognito would, so a person sees every unmet rule before the
 * request is sent. Cognito stays the authority: it checks again.
 *
 * @returns the rules not met, in the order the policy lists them; empty when the password is fine.
 */
export function checkPassword(policy: PasswordPolicy, password: string): PasswordRule[] {
  const failed: PasswordRule[] = [];
  if ([...password].length < policy.minimumLength) failed.push('length');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) failed.push('uppercase');
  if (policy.requireLowercase && !/[a-z]/.test(password)) failed.push('lowercase');
  if (policy.requireNumbers && !/[0-9]/.test(password)) failed.push('number');
  if (policy.requireSymbols && ![...password.trim()].some((c) => SYMBOLS.has(c))) failed.push('symbol');
  if (password !== password.trim()) failed.push('spaces');
  return failed;
}
