#!/usr/bin/env bash
# Builds the single datapress binary into $DIST_DIR/datapress (default
# dist/datapress, relative to this script's directory).
#
# `deno compile` embeds a `denort` runtime that it normally downloads from
# dl.deno.land. Where that host is unreachable, point DENORT_BIN at a denort
# binary of the same Deno version, e.g. unzipped from
# denort-x86_64-unknown-linux-gnu.zip of the Deno release.
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  echo "compile.sh: $*" >&2
  exit 1
}

DENO=${DENO:-$(command -v deno || true)}
[ -n "$DENO" ] || fail "deno not found; install it with: npm install --prefix /opt/deno deno@2.9.6"
DIST_DIR=${DIST_DIR:-dist}
out="$DIST_DIR/datapress"

# deno compile only accepts a denort of its own version.
deno_version=$("$DENO" --version | head -n 1 | cut -d ' ' -f 2)
app_version=$("$DENO" eval --no-config 'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).version)')

# Checked before the slow UI build, and because deno compile answers a
# directory with a Rust backtrace instead of a message.
check_denort_bin() {
  local must="DENORT_BIN must be a denort binary file (the denort of Deno $deno_version, unzipped from denort-<target>.zip of that release)"
  [ ! -d "$DENORT_BIN" ] || fail "DENORT_BIN=$DENORT_BIN is a directory; $must"
  [ -f "$DENORT_BIN" ] || fail "DENORT_BIN=$DENORT_BIN does not exist; $must"
  [ -x "$DENORT_BIN" ] || fail "DENORT_BIN=$DENORT_BIN is not executable; run: chmod +x '$DENORT_BIN'"
}

# Without DENORT_BIN, deno compile downloads denort unless it is cached.
check_download() {
  local cache="${DENO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deno}/dl"
  if ls "$cache/release/v$deno_version"/denort-* >/dev/null 2>&1; then
    return
  fi
  curl -sfI --max-time 5 https://dl.deno.land >/dev/null 2>&1 ||
    fail "no denort runtime available: dl.deno.land is unreachable and DENORT_BIN is unset; set DENORT_BIN to a denort $deno_version binary for this platform and run again"
}

# deno compile accepts any executable as DENORT_BIN (plain deno too) and
# reports success, so only running the result shows whether it is datapress.
smoke_run() {
  local got
  got=$(timeout 30 "$out" --version </dev/null 2>&1 | head -n 1 || true)
  if [ "$got" != "datapress $app_version" ]; then
    rm -f "$out"
    fail "the built binary answered --version with '$got' instead of 'datapress $app_version', so it was removed; most likely DENORT_BIN=${DENORT_BIN:-<unset>} is not a denort binary of Deno $deno_version"
  fi
}

if [ -n "${DENORT_BIN:-}" ]; then
  check_denort_bin
  export DENORT_BIN
else
  check_download
fi

"$DENO" task ui
mkdir -p "$DIST_DIR"
"$DENO" compile -A --include ui/dist --output "$out" main.ts
smoke_run
echo "built $out"
