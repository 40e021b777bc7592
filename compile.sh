#!/usr/bin/env bash
# Builds the single datapress binary into dist/datapress.
#
# `deno compile` embeds a `denort` runtime that it normally downloads from
# dl.deno.land. Where that host is unreachable, point DENORT_BIN at a denort
# binary of the same Deno version (2.9.6), e.g. unzipped from
# denort-x86_64-unknown-linux-gnu.zip of the Deno release.
set -euo pipefail
cd "$(dirname "$0")"

DENO=${DENO:-$(command -v deno || true)}
if [ -z "$DENO" ]; then
  echo "compile.sh: deno not found; install it with: npm install --prefix /opt/deno deno@2.9.6" >&2
  exit 1
fi

if [ -n "${DENORT_BIN:-}" ]; then
  if [ ! -x "$DENORT_BIN" ]; then
    echo "compile.sh: DENORT_BIN=$DENORT_BIN is not an executable file" >&2
    exit 1
  fi
  export DENORT_BIN
else
  cache="${DENO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deno}/dl"
  if ! ls "$cache"/release/v2.9.6/denort-* >/dev/null 2>&1; then
    if ! curl -sfI --max-time 5 https://dl.deno.land >/dev/null 2>&1; then
      echo "compile.sh: no denort runtime available: dl.deno.land is unreachable and DENORT_BIN is unset." >&2
      echo "  Set DENORT_BIN to a denort 2.9.6 binary for this platform and run again." >&2
      exit 1
    fi
  fi
fi

"$DENO" run -A ui/build.ts
mkdir -p dist
"$DENO" compile -A --include ui/dist --output dist/datapress main.ts
echo "built dist/datapress"
