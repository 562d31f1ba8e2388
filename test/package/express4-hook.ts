/**
 * `npm run test:express4` (mocha `--require`): runs the host-app tests on Express 4. Every `require('express')`
 * (and `express/…`) of the repository's own files, the package's sources and the test hosts alike, gets
 * Express 4 (the `express4` devDependency, npm:express@^4). Packages under node_modules keep whatever they
 * resolve, as they would in a host's install.
 */
import Module from 'node:module';
import path from 'node:path';

type Resolve = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

const EXPRESS4_DIR = path.dirname(require.resolve('express4/package.json'));
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;

loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
  const ours = typeof parent?.filename === 'string' && !parent.filename.includes(NODE_MODULES);
  if (ours && (request === 'express' || request.startsWith('express/'))) {
    return resolve.call(this, EXPRESS4_DIR + request.slice('express'.length), parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
