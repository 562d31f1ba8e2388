#!/usr/bin/env bash
# Installs express-cognito-signin into this example the way a user's app gets it: `npm pack` at the
# repository root (its prepack script builds dist/), then the example's own `npm ci` from its own lock file,
# then the tarball on top with --no-save (the lock file never names the tarball, whose hash changes with every
# build, so `npm ci` stays reproducible). Then the tarball's file list, the example's type check and tests.
#   bash examples/existing-app/test-with-tarball.sh                 (npm run example:test at the root)
#   bash examples/existing-app/test-with-tarball.sh --install-only  (npm run example:install: then npm start)
set -euo pipefail
example="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$example/../.." && pwd)"
pack="$(mktemp -d)"
trap 'rm -rf "$pack"' EXIT

echo "== packing $(cd "$root" && node -p "require('./package.json').name + '@' + require('./package.json').version")"
(cd "$root" && npm pack --pack-destination "$pack" --loglevel warn >/dev/null)
tarballs=("$pack"/*.tgz)
[ ${#tarballs[@]} -eq 1 ] && [ -f "${tarballs[0]}" ] || { echo "npm pack left no single tarball in $pack" >&2; exit 1; }

if [ "${1:-}" != "--install-only" ]; then
  # What the tarball ships (prepack has just built dist/): both entry points and their types, the pages and
  # assets, and no tests, sources, examples or source maps. Outside `npm test`, which never builds.
  echo "== the package's file list"
  (cd "$root" && npx mocha --spec test/package/pack.check.ts)
fi

echo "== installing the example and ${tarballs[0]##*/}"
cd "$example"
npm ci --no-audit --no-fund --loglevel warn
npm install --no-save --no-audit --no-fund --loglevel warn "${tarballs[0]}"
installed="$(node -p "require('express-cognito-signin/package.json').version")"
echo "installed express-cognito-signin $installed from the tarball"
if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi

echo "== type check (the package's published types)"
npm run --silent typecheck
echo "== the example's tests"
npm test
