# Shared by the examples' test-with-tarball.sh scripts (sourced, not run): install express-cognito-signin
# into an example the way a user's app gets it. `npm pack` at the repository root (its prepack script builds
# dist/), then the tarball installed with --no-save over the versions of the example's own lock file: the
# lock file never names the tarball, whose hash changes with every build, so it stays reproducible.

examples_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARBALL=""

# Packs the package into a temporary directory (removed when the script exits) and sets TARBALL.
pack_package() {
  local dir
  dir="$(mktemp -d)"
  # shellcheck disable=SC2064 # the directory is known now
  trap "rm -rf '$dir'" EXIT
  echo "== packing $(cd "$examples_root" && node -p "require('./package.json').name + '@' + require('./package.json').version")"
  (cd "$examples_root" && npm pack --pack-destination "$dir" --loglevel warn >/dev/null)
  local tarballs=("$dir"/*.tgz)
  if [ ${#tarballs[@]} -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    echo "npm pack left no single tarball in $dir" >&2
    return 1
  fi
  TARBALL="${tarballs[0]}"
}

# What the tarball ships (prepack has just built dist/): both entry points and their types, the pages and
# assets, and no tests, sources, examples or source maps. Outside `npm test`, which never builds.
check_package_files() {
  echo "== the package's file list"
  (cd "$examples_root" && npx mocha --spec test/package/pack.check.ts)
}

# install_example [--fresh] DIR [SPEC...]: installs the tarball and any SPEC (express@4, ...) into DIR with
# `npm install --no-save`, over the versions of DIR's lock file, in one command (a later --no-save install
# would remove what an earlier one added, and puts the lock file's versions back for the rest). --fresh
# first checks that package.json and the lock file agree (as `npm ci` would) and removes node_modules: the
# same tree as `npm ci` followed by the install, for one install's time. A plain install: it fails when npm
# has to override a peer dependency (ERESOLVE), as a user's install would warn or fail.
install_example() {
  local fresh=false
  if [ "$1" = --fresh ]; then
    fresh=true
    shift
  fi
  local dir="$1"
  shift
  echo "== installing ${dir##*/}: its lock file, ${TARBALL##*/}${*:+ and $*}"
  if $fresh; then
    (cd "$dir" && npm ci --dry-run --no-audit --no-fund --loglevel warn >/dev/null)
    rm -rf "$dir/node_modules"
  fi
  local log
  log="$(mktemp)"
  if ! (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel warn "$TARBALL" "$@") 2>&1 | tee "$log"; then
    rm -f "$log"
    return 1
  fi
  if grep -q 'ERESOLVE' "$log"; then
    rm -f "$log"
    echo "npm had to override a peer dependency (above): the package's peer ranges do not fit this app" >&2
    return 1
  fi
  rm -f "$log"
}

# expect_installed DIR NAME MAJOR: fails unless DIR resolves NAME at major version MAJOR; prints the version.
expect_installed() {
  local version
  version="$(cd "$1" && node -p "require('$2/package.json').version")"
  echo "   $2@$version"
  if [ "${version%%.*}" != "$3" ]; then
    echo "expected $2@$3 in ${1##*/}, found $version" >&2
    return 1
  fi
}

# expect_package_installed DIR: fails unless DIR resolves the package at the version just packed.
expect_package_installed() {
  local packed installed
  packed="$(cd "$examples_root" && node -p "require('./package.json').version")"
  installed="$(cd "$1" && node -p "require('express-cognito-signin/package.json').version")"
  echo "   express-cognito-signin@$installed (the tarball)"
  if [ "$installed" != "$packed" ]; then
    echo "expected express-cognito-signin@$packed in ${1##*/}, found $installed" >&2
    return 1
  fi
}
