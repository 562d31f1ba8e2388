/**
 * Hands the outcome of `promise` to callback-style code: `onFulfilled(value)` or `onRejected(err)`, one of
 * them, once. Each runs on a tick of its own, outside the promise chain, so what a callback throws is an
 * uncaught exception of its own code (as with any Node.js callback API), never an unhandled rejection;
 * and a throw in `onFulfilled` never calls `onRejected` too. Keep the work that may fail in `promise`:
 * its failure then reaches `onRejected`.
 */
export function settle<T>(promise: PromiseLike<T>, onFulfilled: (value: T) => void, onRejected: (err: unknown) => void): void {
  promise.then(
    (value) => process.nextTick(onFulfilled, value),
    (err: unknown) => process.nextTick(onRejected, err),
  );
}
