/**
 * The stack's deployment choices, read once from CDK context (`-c key=value` or `cdk.json`) and checked
 * before anything is synthesized, so a wrong value stops `cdk synth` with a message naming the key.
 */
import {
  DEFAULT_AUTH_FLOWS,
  FIRST_AUTH_FACTORS,
  type FirstAuthFactor,
  type ThreatProtectionMode,
  type WebAuthnSettings,
} from '../../src/cognito/pool-settings';

/** How the Hosted UI is reached: a Cognito prefix domain, or your own domain with an ACM certificate. */
export type HostedUiDomain =
  | { kind: 'prefix'; prefix: string }
  | { kind: 'custom'; domainName: string; certificateArn: string };

/** The user pool's feature plan (`UserPoolTier`): Essentials is Cognito's default. */
export const FEATURE_PLANS = ['ESSENTIALS', 'PLUS', 'LITE'] as const;
export type FeaturePlan = (typeof FEATURE_PLANS)[number];

/** The pages on the Hosted UI domain: Managed Login (version 2, localized) or the classic Hosted UI (version 1). */
export const HOSTED_UI_STYLES = ['managed-login', 'classic'] as const;
export type HostedUiStyle = (typeof HOSTED_UI_STYLES)[number];

/** Sending the pool's e-mail through your Amazon SES identity instead of Cognito's default sender. */
export interface SesOptions {
  /** A verified SES address, or an address in `verifiedDomain`. */
  fromEmail: string;
  /** Shown as the sender's name (`Example <no-reply@example.com>`). */
  fromName?: string;
  /** An SES configuration set applied to every message. */
  configurationSet?: string;
  /** The SES identity's region, when it is not the pool's. */
  region?: string;
  /** The verified SES domain identity `fromEmail` belongs to; omitted: the address itself is the identity. */
  verifiedDomain?: string;
}

/** Google as a federated identity provider: the OAuth client from Google Cloud Console. */
export interface GoogleOptions {
  clientId: string;
  /** Name or ARN of the Secrets Manager secret holding the client secret (never the secret itself). */
  clientSecretName: string;
  /** The key inside a JSON secret; omitted: the secret string is the client secret. */
  clientSecretField?: string;
}

/** Choice-based sign-in (`USER_AUTH`): the first factors the pool offers, and the passkey settings. */
export interface ChoiceBasedSignInOptions {
  /** Always includes `PASSWORD`. */
  firstAuthFactors: FirstAuthFactor[];
  /** Required exactly when `firstAuthFactors` includes `WEB_AUTHN`. */
  webAuthn?: WebAuthnSettings;
}

/** Everything the stack needs besides its id and environment. */
export interface StackOptions {
  domain: HostedUiDomain;
  featurePlan: FeaturePlan;
  hostedUi: HostedUiStyle;
  /** A local origin (`http://localhost:3000`) the client also accepts, for development against this pool. */
  devOrigin?: string;
  ses?: SesOptions;
  google?: GoogleOptions;
  /** Where the app mounts `cognitoAuth()`: the callback URL is `<origin><mountPath>/callback`. Default `/`. */
  mountPath?: string;
  /** The router's `afterSignOutTo`: the sign-out URL is `<origin><afterSignOutTo>`. Default `/`. */
  afterSignOutTo?: string;
  /** The server-side password flows the client allows; default {@link DEFAULT_AUTH_FLOWS}. */
  passwordFlows?: { adminUserPassword: boolean; userPassword: boolean };
  choiceBasedSignIn?: ChoiceBasedSignInOptions;
  /** Threat protection's mode (Plus plan); omitted: off. */
  threatProtection?: ThreatProtectionMode;
  /** `EnablePropagateAdditionalUserContextData` on the client. */
  userContextData?: boolean;
  /** Refresh-token rotation with its grace period in seconds (0–60); omitted: off. */
  refreshTokenRotation?: { retryGracePeriodSeconds: number };
}

/** The origin a developer runs the app on, accepted unless `-c devOrigin=none`. */
export const DEFAULT_DEV_ORIGIN = 'http://localhost:3000';

/**
 * How long a rotated-out refresh token keeps working (`RetryGracePeriodSeconds`), unless
 * `-c refreshTokenGracePeriod=…`: long enough for two requests of one session that refresh at once.
 */
export const DEFAULT_REFRESH_GRACE_SECONDS = 10;

/** A path as the router's own options accept it (`mountPath`): letters, digits and `. _ ~ -` segments. */
const PATH = /^\/([A-Za-z0-9._~-]+\/)*[A-Za-z0-9._~-]*$/;

type ContextReader = (key: string) => unknown;

/**
 * Reads and checks the context values:
 * `domainPrefix` (required) or `customDomain` + `certificateArn`; `featurePlan` (ESSENTIALS, PLUS, LITE);
 * `hostedUi` (managed-login, classic); `devOrigin` (an http://localhost origin, or `none`);
 * `sesFromEmail` with `sesFromName`, `sesConfigurationSet`, `sesRegion`, `sesVerifiedDomain`;
 * `googleClientId` with `googleClientSecretName` and `googleClientSecretField`;
 * `mountPath` and `afterSignOutTo` (paths, default `/`); `adminPasswordAuth` and `userPasswordAuth`
 * (true/false); `firstAuthFactors` (PASSWORD plus EMAIL_OTP and/or WEB_AUTHN) with `webAuthnRelyingPartyId`
 * and `webAuthnUserVerification`; `threatProtection` (off, audit, enforced); `userContextData` (true/false);
 * `refreshTokenRotation` (true/false) with `refreshTokenGracePeriod` (0–60 seconds).
 */
export function readStackOptions(context: ContextReader): StackOptions {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null) return undefined;
    const trimmed = String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = text(key)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') throw new Error(`${key} "${text(key)}": true or false`);
    return value === 'true';
  };
  return {
    domain: readDomain(text),
    featurePlan: oneOf('featurePlan', text('featurePlan')?.toUpperCase() ?? 'ESSENTIALS', FEATURE_PLANS),
    hostedUi: oneOf('hostedUi', text('hostedUi') ?? 'managed-login', HOSTED_UI_STYLES),
    devOrigin: readDevOrigin(text('devOrigin')),
    ses: readSes(text),
    google: readGoogle(text),
    mountPath: readPath('mountPath', text('mountPath')),
    afterSignOutTo: readPath('afterSignOutTo', text('afterSignOutTo')),
    passwordFlows: {
      adminUserPassword: flag('adminPasswordAuth', DEFAULT_AUTH_FLOWS.adminUserPassword),
      userPassword: flag('userPasswordAuth', DEFAULT_AUTH_FLOWS.userPassword),
    },
    choiceBasedSignIn: readChoiceBasedSignIn(text),
    threatProtection: readThreatProtection(text('threatProtection')),
    userContextData: flag('userContextData', false),
    refreshTokenRotation: readRefreshTokenRotation(text, flag('refreshTokenRotation', false)),
  };
}

/** A mount or sign-out path: `/`, `/account`, `account` (a leading slash is added). */
function readPath(key: string, value: string | undefined): string {
  if (value === undefined) return '/';
  const path = value.startsWith('/') ? value : `/${value}`;
  if (!PATH.test(path) || path.split('/').some((segment) => /^\.+$/.test(segment))) {
    throw new Error(`${key} "${value}": a path such as /account (letters, digits, . _ ~ -), without a query`);
  }
  return path;
}

function readChoiceBasedSignIn(text: (key: string) => string | undefined): ChoiceBasedSignInOptions | undefined {
  const list = text('firstAuthFactors');
  const webAuthnKeys = ['webAuthnRelyingPartyId', 'webAuthnUserVerification'].filter((key) => text(key) !== undefined);
  if (!list) {
    if (webAuthnKeys.length > 0) throw new Error(`${webAuthnKeys.join(', ')} given without firstAuthFactors=PASSWORD,WEB_AUTHN`);
    return undefined;
  }
  const firstAuthFactors = [...new Set(list.split(',').map((factor) => factor.trim().toUpperCase()))].map((factor) =>
    oneOf('firstAuthFactors', factor, FIRST_AUTH_FACTORS),
  );
  if (!firstAuthFactors.includes('WEB_AUTHN')) {
    if (webAuthnKeys.length > 0) throw new Error(`${webAuthnKeys.join(', ')} given, but firstAuthFactors has no WEB_AUTHN`);
    return { firstAuthFactors };
  }
  const relyingPartyId = text('webAuthnRelyingPartyId');
  if (!relyingPartyId) {
    throw new Error(
      'firstAuthFactors with WEB_AUTHN needs webAuthnRelyingPartyId: the host name where the sign-in pages run ' +
        '(e.g. app.example.com, or example.com for every subdomain)',
    );
  }
  const userVerification = oneOf('webAuthnUserVerification', text('webAuthnUserVerification')?.toLowerCase() ?? 'preferred', [
    'preferred',
    'required',
  ] as const);
  return { firstAuthFactors, webAuthn: { relyingPartyId: relyingPartyId.toLowerCase(), userVerification } };
}

function readThreatProtection(value: string | undefined): ThreatProtectionMode | undefined {
  const mode = oneOf('threatProtection', value?.toLowerCase() ?? 'off', ['off', 'audit', 'enforced'] as const);
  return mode === 'off' ? undefined : (mode.toUpperCase() as ThreatProtectionMode);
}

function readRefreshTokenRotation(
  text: (key: string) => string | undefined,
  on: boolean,
): { retryGracePeriodSeconds: number } | undefined {
  const grace = text('refreshTokenGracePeriod');
  if (!on) {
    if (grace !== undefined) throw new Error('refreshTokenGracePeriod given without refreshTokenRotation=true');
    return undefined;
  }
  if (grace === undefined) return { retryGracePeriodSeconds: DEFAULT_REFRESH_GRACE_SECONDS };
  if (!/^[0-9]{1,2}$/.test(grace) || Number(grace) > 60) throw new Error(`refreshTokenGracePeriod "${grace}": whole seconds from 0 to 60`);
  return { retryGracePeriodSeconds: Number(grace) };
}

function readDomain(text: (key: string) => string | undefined): HostedUiDomain {
  const customDomain = text('customDomain');
  if (customDomain) return { kind: 'custom', domainName: customDomain, certificateArn: text('certificateArn') ?? '' };
  const prefix = text('domainPrefix');
  if (!prefix) {
    throw new Error(
      'domainPrefix is required: cdk deploy -c domainPrefix=<a prefix of your own, e.g. myapp-signin-prod> ' +
        '(Cognito prefix domains are shared by every AWS account in the region), ' +
        'or -c customDomain=auth.example.com -c certificateArn=arn:aws:acm:us-east-1:…',
    );
  }
  return { kind: 'prefix', prefix };
}

function readDevOrigin(value: string | undefined): string | undefined {
  if (value === 'none') return undefined;
  const origin = value ?? DEFAULT_DEV_ORIGIN;
  if (!/^http:\/\/localhost(:[0-9]{1,5})?$/.test(origin)) {
    throw new Error(`devOrigin "${origin}": an http://localhost[:port] origin without a path, or "none"`);
  }
  return origin;
}

function readSes(text: (key: string) => string | undefined): SesOptions | undefined {
  const keys = ['sesFromName', 'sesConfigurationSet', 'sesRegion', 'sesVerifiedDomain'] as const;
  const fromEmail = text('sesFromEmail');
  if (!fromEmail) {
    const stray = keys.filter((key) => text(key) !== undefined);
    if (stray.length > 0) throw new Error(`${stray.join(', ')} given without sesFromEmail, the SES sender address`);
    return undefined;
  }
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fromEmail)) throw new Error(`sesFromEmail "${fromEmail}" is not an e-mail address`);
  const region = text('sesRegion');
  if (region && !/^[a-z]{2}(-[a-z]+)+-[0-9]$/.test(region)) throw new Error(`sesRegion "${region}" is not an AWS region name`);
  const verifiedDomain = text('sesVerifiedDomain');
  if (verifiedDomain && fromEmail.split('@')[1] !== verifiedDomain) {
    throw new Error(`sesFromEmail "${fromEmail}" is not in sesVerifiedDomain "${verifiedDomain}"`);
  }
  return {
    fromEmail,
    fromName: text('sesFromName'),
    configurationSet: text('sesConfigurationSet'),
    region,
    verifiedDomain,
  };
}

function readGoogle(text: (key: string) => string | undefined): GoogleOptions | undefined {
  if (text('googleClientSecret') !== undefined) {
    throw new Error(
      'googleClientSecret would put the secret in the template: store it in Secrets Manager and pass its name as googleClientSecretName',
    );
  }
  const clientId = text('googleClientId');
  const clientSecretName = text('googleClientSecretName');
  if (!clientId && !clientSecretName) return undefined;
  if (!clientId || !clientSecretName) throw new Error('Google sign-in needs both googleClientId and googleClientSecretName');
  return { clientId, clientSecretName, clientSecretField: text('googleClientSecretField') };
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${key} "${value}": one of ${allowed.join(', ')}`);
  return value as T;
}
