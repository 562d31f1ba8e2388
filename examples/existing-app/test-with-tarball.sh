#!/usr/bin/env bash
# Installs express-cognito-signin into this example the way a user's app gets it (examples/lib/tarball.sh:
# npm pack at the root, then the tarball over the example's own lock file), then type-checks the example
# against the published types and runs its tests: on Express 4 (express@4 and @types/express@4 installed in
# place of the lock file's Express 5, as an app still on Express 4 has them), then on Express 5 (the lock
# file's, which the second install puts back).
#   bash examples/existing-app/test-with-tarball.sh                  (npm run example:test: both)
#   bash examples/existing-app/test-with-tarball.sh --express 4      (one of them: 4 or 5)
#   bash examples/existing-app/test-with-tarball.sh --install-only   (npm run example:install: Express 5,
#                                                                    then npm start; add --express 4)
set -euo pipefail
example="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/tarball.sh
source "$example/../lib/tarball.sh"

versions=""
install_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --express) versions="${2:-}"; shift 2 || { echo "--express needs 4, 5 or both" >&2; exit 2; } ;;
    --express=*) versions="${1#--express=}"; shift ;;
    --install-only) install_only=true; shift ;;
    *) echo "unknown argument: $1 (use --express 4|5|both, --install-only)" >&2; exit 2 ;;
  esac
done
case "$versions" in
  "") versions=$($install_only && echo 5 || echo "4 5") ;;
  both) versions="4 5" ;;
  4 | 5) ;;
  *) echo "--express takes 4, 5 or both, not '$versions'" >&2; exit 2 ;;
esac
if $install_only && [ "$versions" != 4 ] && [ "$versions" != 5 ]; then
  echo "--install-only installs one Express version: --express 4 or --express 5" >&2
  exit 2
fi

pack_package
$install_only || check_package_files

fresh=--fresh
for major in $versions; do
  if [ "$major" = 4 ]; then
    install_example $fresh "$example" express@4 @types/express@4
  else
    install_example $fresh "$example"
  fi
  fresh=
  expect_installed "$example" express "$major"
  expect_installed "$example" @types/express "$major"
  expect_package_installed "$example"
  $install_only && exit 0

  echo "== Express $major: type check (the package's published types, @types/express@$major)"
  (cd "$example" && npm run --silent typecheck)
  echo "== Express $major: the example's tests"
  (cd "$example" && npm test)
done
