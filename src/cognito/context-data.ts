import type { ContextDataType, UserContextDataType } from '@aws-sdk/client-cognito-identity-provider';

/**
 * The person on the other end of a request, as Cognito's threat protection (adaptive authentication,
 * compromised credentials) wants to know them: without it, every server-side call looks as if it came
 * from the app server. Handlers build it from the request (`auth/visitor.ts`); services only pass it on.
 */
export interface Visitor {
  /** The client's IP address as Express sees it (`req.ip`: right only when `trust proxy` is). */
  ipAddress: string | undefined;
  /** The host name the request was sent to. */
  serverName: string;
  /** The request's path, without its query. */
  serverPath: string;
  /** Allow-listed request headers ({@link CONTEXT_HEADERS}), never cookies or credentials. */
  headers: ReadonlyArray<{ name: string; value: string }>;
}

/**
 * The request headers Cognito may see with `ContextData`: what a browser sends about itself. Cookies,
 * `Authorization`, forwarding headers (spoofable; the IP is sent on its own) and `Referer` (a full URL)
 * are never among them.
 */
export const CONTEXT_HEADERS: readonly string[] = [
  'user-agent',
  'accept',
  'accept-language',
  'accept-encoding',
  'origin',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
];

/**
 * `UserContextData` for the public API (InitiateAuth, RespondToAuthChallenge, SignUp, ConfirmSignUp,
 * ForgotPassword, ConfirmForgotPassword, ResendConfirmationCode): the visitor's IP address. Empty when
 * the option is off or no visitor was passed, so that the call is sent as before.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserContextDataType.html
 */
export function userContextDataOf(enabled: boolean, visitor: Visitor | undefined): { UserContextData?: UserContextDataType } {
  if (!enabled || !visitor?.ipAddress) return {};
  return { UserContextData: { IpAddress: visitor.ipAddress } };
}

/**
 * `ContextData` for the admin API calls that accept it (AdminInitiateAuth, AdminRespondToAuthChallenge):
 * IP address, server name and path, and the allow-listed headers. The admin sign-in API (the default
 * `cognito.signInApi`) sends it on AdminInitiateAuth and AdminRespondToAuthChallenge.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ContextDataType.html
 */
export function contextDataOf(enabled: boolean, visitor: Visitor | undefined): { ContextData?: ContextDataType } {
  if (!enabled || !visitor?.ipAddress) return {};
  return {
    ContextData: {
      IpAddress: visitor.ipAddress,
      ServerName: visitor.serverName,
      ServerPath: visitor.serverPath,
      HttpHeaders: visitor.headers.map((h) => ({ headerName: h.name, headerValue: h.value })),
    },
  };
}
