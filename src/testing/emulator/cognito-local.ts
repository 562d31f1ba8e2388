import { createRequire } from 'node:module';
import type { Config } from 'cognito-local/lib/server/config';
import type { Services } from 'cognito-local/lib/services';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { Context } from 'cognito-local/lib/services/context';
import type { Tokens } from 'cognito-local/lib/services/tokenGenerator';
import type { User, UserPool, UserPoolService } from 'cognito-local/lib/services/userPoolService';

/**
 * The one module that reaches into cognito-local 5.3.0's internals. Everything the fidelity layer uses
 * from it comes through here, so an upgrade of cognito-local is checked in one place. Its own
 * dependencies (jsonwebtoken, pino, otplib) are loaded from cognito-local's install, never added to the
 * package.
 */
const fromCognitoLocal = createRequire(require.resolve('cognito-local/package.json'));

export type { AppClient, Config, Context, Services, Tokens, User, UserPool, UserPoolService };

/** A cognito-local target: what its router calls for one `X-Amz-Target` (requests are the API's JSON, unchecked). */
export type Route = (ctx: Context, req: any) => Promise<any>;

/** The part of jsonwebtoken (cognito-local's dependency, without type definitions) the layer uses. */
export interface JsonWebToken {
  sign(payload: object, key: string, options: { algorithm: 'RS256'; keyid?: string }): string;
  verify(token: string, key: string, options: { algorithms: ['RS256']; clockTimestamp?: number }): unknown;
  decode(token: string): unknown;
}

export const errors = fromCognitoLocal('./lib/errors') as typeof import('cognito-local/lib/errors');
export const { CognitoError } = errors;

export const { Router } = fromCognitoLocal('./lib/server/Router') as typeof import('cognito-local/lib/server/Router');
// Annotated: its inferred type names cognito-local's own pino, which a declaration file cannot import.
export const createServer: typeof import('cognito-local/lib/server/server').createServer = (
  fromCognitoLocal('./lib/server/server') as typeof import('cognito-local/lib/server/server')
).createServer;
export const { loadConfig } = fromCognitoLocal('./lib/server/config') as typeof import('cognito-local/lib/server/config');
export const { StormDBDataStoreFactory } = fromCognitoLocal('./lib/services/dataStore/stormDb') as typeof import('cognito-local/lib/services/dataStore/stormDb');
export const { CognitoServiceFactoryImpl } = fromCognitoLocal('./lib/services/cognitoService') as typeof import('cognito-local/lib/services/cognitoService');
export const { UserPoolServiceFactoryImpl, attributeValue, attributesAppend } = fromCognitoLocal('./lib/services/userPoolService') as typeof import('cognito-local/lib/services/userPoolService');
export const { JwtTokenGenerator } = fromCognitoLocal('./lib/services/tokenGenerator') as typeof import('cognito-local/lib/services/tokenGenerator');
export const { MessagesService } = fromCognitoLocal('./lib/services/messages') as typeof import('cognito-local/lib/services/messages');
export const { TriggersService } = fromCognitoLocal('./lib/services/triggers') as typeof import('cognito-local/lib/services/triggers');
export const { MessageDeliveryService } = fromCognitoLocal('./lib/services/messageDelivery/messageDelivery') as typeof import('cognito-local/lib/services/messageDelivery/messageDelivery');
export const { ConsoleMessageSender } = fromCognitoLocal('./lib/services/messageDelivery/consoleMessageSender') as typeof import('cognito-local/lib/services/messageDelivery/consoleMessageSender');
export const { selectAppropriateDeliveryMethod } = fromCognitoLocal('./lib/services/messageDelivery/deliveryMethod') as typeof import('cognito-local/lib/services/messageDelivery/deliveryMethod');
export const { otp } = fromCognitoLocal('./lib/services/otp') as typeof import('cognito-local/lib/services/otp');
export const totp = fromCognitoLocal('./lib/services/totp') as typeof import('cognito-local/lib/services/totp');
export const { AuthorizationCodeStore } = fromCognitoLocal('./lib/oauth2/authorizationCodeStore') as typeof import('cognito-local/lib/oauth2/authorizationCodeStore');
export const { verifyS256 } = fromCognitoLocal('./lib/oauth2/pkce') as typeof import('cognito-local/lib/oauth2/pkce');

/** The key pair every cognito-local installation signs with (shipped in its package; see docs/emulator.md). */
export const signingKeys = {
  privatePem: (fromCognitoLocal('./lib/keys/cognitoLocal.private.json') as { pem: string }).pem,
  publicPem: (fromCognitoLocal('./lib/keys/cognitoLocal.public.json') as { pem: string }).pem,
};

/** jsonwebtoken, as cognito-local itself signs with it. */
export const jwt = fromCognitoLocal('jsonwebtoken') as JsonWebToken;

/** The logger cognito-local's server takes (its own pino version's). */
export type Logger = Parameters<typeof import('cognito-local/lib/server/server').createServer>[1];

/** pino and pino-pretty at cognito-local's versions, for a console log like its own start script's. */
export function createLogger(): Logger {
  const pino = fromCognitoLocal('pino') as (options: object, stream: unknown) => Logger;
  const pretty = fromCognitoLocal('pino-pretty') as (options: object) => unknown;
  return pino(
    { level: 'info' },
    pretty({
      colorize: false,
      ignore: 'pid,name,hostname',
      singleLine: true,
      messageFormat: (log: Record<string, unknown>, key: string) => `${String(log.reqId ?? 'NONE')} ${String(log.target ?? 'NONE')} ${String(log[key])}`,
    }),
  );
}

/**
 * The Lambda and KMS services, only where cognito-local's config names trigger functions: loading them
 * pulls in the AWS SDK v2, which the emulator otherwise never needs.
 */
export function createTriggerBackends(config: Config): { lambda: unknown; crypto: unknown } {
  if (Object.keys(config.TriggerFunctions ?? {}).length === 0) {
    return { lambda: { enabled: () => false, invoke: () => Promise.reject(new Error('no trigger functions configured')) }, crypto: {} };
  }
  const AWS = fromCognitoLocal('aws-sdk') as { Lambda: new (config: unknown) => unknown };
  const { LambdaService } = fromCognitoLocal('./lib/services/lambda') as { LambdaService: new (functions: unknown, client: unknown) => unknown };
  const { CryptoService } = fromCognitoLocal('./lib/services/crypto') as { CryptoService: new (config: unknown) => unknown };
  return { lambda: new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)), crypto: new CryptoService(config.KMSConfig) };
}
