import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { settle } from './settle';

/** A route handler that may return a promise. */
export type AsyncRequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;

/**
 * Makes a handler that returns a promise safe on every Express version: a rejection (or a synchronous
 * throw) goes to `next(err)`, and so to the error page. Express 5 does this by itself; Express 4 does not,
 * and there a rejected handler is an unhandled rejection, which ends a Node process. The wrapper returns
 * nothing, so Express 5 never sees the promise and never passes one error on twice.
 */
export function asyncHandler(handler: AsyncRequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let result: unknown;
    try {
      result = handler(req, res, next);
    } catch (err) {
      next(err);
      return;
    }
    if (isPromiseLike(result)) settle(result, () => undefined, next);
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
