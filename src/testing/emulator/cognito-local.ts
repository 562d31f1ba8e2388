import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type http from 'node:http';
import { createRequire } from 'node:module';
import type { Config } from 'cognito-local/lib/server/config';
import type { Router as CognitoLocalRouter } from 'cognito-local/lib/server/Router';
import type { ServerOptions } from 'cognito-local/lib/server/server';
import type { Services } from 'cognito-local/lib/services';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { Context } from 'cognito-local/lib/services/context';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore';
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory';
import type { TokenGenerator, Tokens } from 'cognito-local/lib/services/tokenGenerator';
import type { User, UserPool, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { Request, Response } from 'express';

/**
 * The one module that reaches into cognito-local 5.3.0's internals. Everything the fidelity layer uses
 * from it comes through here, so an upgrade of cognito-local is checked in one place. Its own
 * dependencies (jsonwebtoken, pino, otplib) are loaded from cognito-local's install, never added to the
 * package.
 */
const fromCognitoLocal = createRequire(require.resolve('cognito-local/package.json'));

export type { AppClient, Config, Context, DataStore, DataStoreFactory, Services, TokenGenerator, Tokens, User, UserPool, UserPoolService };

/**
 * A JSON API request's parameters, unchecked. cognito-local's body parser (body-parser's `json()`, strict)
 * hands its targets an object (`{}` for an empty body), so only the fields' values are unknown.
 */
export type ApiRequest = Record<string, unknown>;

/** A cognito-local target: what its router calls for one `X-Amz-Target`. Its answer is sent as JSON. */
export type Route = (ctx: Context, req: ApiRequest) => Promise<unknown>;

/** A nested structure of a request (`AuthParameters`, `ChallengeResponses`): its fields, or none when it is not an object. */
export function fieldsOf(value: unknown): ApiRequest {
  return typeof value === 'object' && value !== null ? (value as ApiRequest) : {};
}

/** `ClientMetadata`: the string map a request passes on to the Lambda triggers, or undefined when it is not one. */
export function metadataOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : undefined;
}

/** A string field of a request, or undefined when it is missing or not a string. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The part of jsonwebtoken (cognito-local's dependency, without type definitions) the layer uses. */
export interface JsonWebToken {
  sign(payload: object, key: string | KeyObject, options: { algorithm: 'RS256'; keyid?: string }): string;
  verify(token: string, key: string | KeyObject, options: { algorithms: ['RS256']; clockTimestamp?: number }): unknown;
  decode(token: string): unknown;
}

export const errors = fromCognitoLocal('./lib/errors') as typeof import('cognito-local/lib/errors');
export const { CognitoError } = errors;

export const { Router } = fromCognitoLocal('./lib/server/Router') as typeof import('cognito-local/lib/server/Router');
const server = fromCognitoLocal('./lib/server/server') as typeof import('cognito-local/lib/server/server');
export const { loadConfig } = fromCognitoLocal('./lib/server/config') as typeof import('cognito-local/lib/server/config');
export const { StormDBDataStore } = fromCognitoLocal(
  './lib/services/dataStore/stormDb',
) as typeof import('cognito-local/lib/services/dataStore/stormDb');
/** StormDB, the JSON file store cognito-local keeps its data in. */
export const StormDB = fromCognitoLocal('stormdb') as typeof import('stormdb');
export const { CognitoServiceFactoryImpl } = fromCognitoLocal(
  './lib/services/cognitoService',
) as typeof import('cognito-local/lib/services/cognitoService');
export const { UserPoolServiceFactoryImpl, attributeValue, attributesAppend, attributesToRecord, customAttributes } = fromCognitoLocal(
  './lib/services/userPoolService',
) as typeof import('cognito-local/lib/services/userPoolService');
export const { MessagesService } = fromCognitoLocal('./lib/services/messages') as typeof import('cognito-local/lib/services/messages');
export const { TriggersService } = fromCognitoLocal('./lib/services/triggers') as typeof import('cognito-local/lib/services/triggers');
export const { MessageDeliveryService } = fromCognitoLocal(
  './lib/services/messageDelivery/messageDelivery',
) as typeof import('cognito-local/lib/services/messageDelivery/messageDelivery');
export const { ConsoleMessageSender } = fromCognitoLocal(
  './lib/services/messageDelivery/consoleMessageSender',
) as typeof import('cognito-local/lib/services/messageDelivery/consoleMessageSender');
export const { selectAppropriateDeliveryMethod } = fromCognitoLocal(
  './lib/services/messageDelivery/deliveryMethod',
) as typeof import('cognito-local/lib/services/messageDelivery/deliveryMethod');
export const { otp } = fromCognitoLocal('./lib/services/otp') as typeof import('cognito-local/lib/services/otp');
export const totp = fromCognitoLocal('./lib/services/totp') as typeof import('cognito-local/lib/services/totp');
export const { AuthorizationCodeStore } = fromCognitoLocal(
  './lib/oauth2/authorizationCodeStore',
) as typeof import('cognito-local/lib/oauth2/authorizationCodeStore');
export const { verifyS256 } = fromCognitoLocal('./lib/oauth2/pkce') as typeof import('cognito-local/lib/oauth2/pkce');

/**
 * The key pair every cognito-local installation signs with (shipped in its package; see docs/emulator.md),
 * parsed once: jsonwebtoken would parse a PEM again for every token.
 */
export const signingKeys = {
  privateKey: createPrivateKey((fromCognitoLocal('./lib/keys/cognitoLocal.private.json') as { pem: string }).pem),
  publicKey: createPublicKey((fromCognitoLocal('./lib/keys/cognitoLocal.public.json') as { pem: string }).pem),
};

/** jsonwebtoken, as cognito-local itself signs with it. */
export const jwt = fromCognitoLocal('jsonwebtoken') as JsonWebToken;

/** The logger cognito-local's server takes (its own pino version's). */
export type Logger = Parameters<typeof import('cognito-local/lib/server/server').createServer>[1];

/** The part of cognito-local's Express app the layer adds routes to (cognito-local types the app `any`). */
export interface RouteTable {
  get(path: string, handler: (req: Request, res: Response) => unknown): unknown;
  post(path: string, handler: (req: Request, res: Response) => unknown): unknown;
}

/** cognito-local's server: its Express app, and `start`, which listens where its configuration says. */
export interface CognitoLocalServer {
  application: RouteTable;
  start: () => Promise<http.Server>;
}

/**
 * cognito-local's `createServer`, typed for the layer: its app is an Express app, and it listens on HTTP
 * (HTTPS only where its `ServerConfig` asks for it, which the emulator's never does).
 */
export function createServer(router: CognitoLocalRouter, logger: Logger, options: ServerOptions): CognitoLocalServer {
  const created = server.createServer(router, logger, options);
  return { application: created.application as RouteTable, start: () => created.start() };
}

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
      messageFormat: (log: Record<string, unknown>, key: string) => `${logField(log.reqId)} ${logField(log.target)} ${String(log[key])}`,
    }),
  );
}

/** A log line's request id or target (a string or number; pino-http's ids) as cognito-local's own format prints it, `NONE` when absent. */
function logField(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : 'NONE';
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
