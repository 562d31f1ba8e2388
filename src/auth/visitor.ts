import type { Request } from 'express';
import { CONTEXT_HEADERS, type Visitor } from '../cognito/context-data';

/** Longest header value passed on: a browser's own headers are far shorter. */
const MAX_HEADER_VALUE = 1024;

/**
 * The visitor of this request, for Cognito's threat protection: `req.ip` (so `trust proxy` must be set
 * right behind a proxy), the host and path, and the allow-listed headers the browser sent (a header sent
 * twice is left out rather than joined). Built by handlers and passed to the services, which never see
 * the request.
 */
export function visitorOf(req: Request): Visitor {
  const headers: Array<{ name: string; value: string }> = [];
  for (const name of CONTEXT_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string' && value.length > 0) headers.push({ name, value: value.slice(0, MAX_HEADER_VALUE) });
  }
  return { ipAddress: req.ip, serverName: req.hostname ?? '', serverPath: req.baseUrl + req.path, headers };
}
