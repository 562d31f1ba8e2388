#!/usr/bin/env bash
# Installs express-cognito-signin into this Express 4 TypeScript app the way a user's app gets it
# (examples/lib/tarball.sh: npm pack at the root, then a plain `npm install` of the tarball over the app's own
# lock file, which must need no --legacy-peer-deps), then builds it with tsc (strict, nodenext: the type check
# against the published types and @types/express@4) and runs its mocha + supertest tests on the test kit.
#   bash examples/express4-typescript/test-with-tarball.sh                 (npm run example:test:ts)
#   bash examples/express4-typescript/test-with-tarball.sh --install-only  (npm run example:install:ts: then npm start)
set -euo pipefail
example="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/tarball.sh
source "$example/../lib/tarball.sh"

case "${1:-}" in
  "" | --install-only) ;;
  *) echo "unknown argument: $1 (use --install-only)" >&2; exit 2 ;;
esac

pack_package
[ "${1:-}" = --install-only ] || check_package_files
install_example --fresh "$example"
expect_installed "$example" express 4
expect_installed "$example" @types/express 4
expect_package_installed "$example"
[ "${1:-}" = --install-only ] && exit 0

echo "== the app's tests (tsc: strict, nodenext, the published types with @types/express@4; then mocha)"
(cd "$example" && npm test)
