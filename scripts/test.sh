#!/usr/bin/env bash
# The whole test suite on SQLite and PostgreSQL: README command 2.
#
# On a fresh Debian bookworm machine (as root) it installs what the tests
# need from Debian packages (PostgreSQL, Chromium for the browser tests,
# poppler-utils for the PDF text checks), starts a throwaway PostgreSQL
# cluster on a free loopback port, and runs, in order:
#
#   gofmt -l, go vet, staticcheck (skipped with a warning if it cannot be
#   installed), go test -count=1 ./... on both databases, a -race pass on
#   the core packages, and a short fuzzing pass.
#
# Every step runs even when an earlier one failed; the script then names
# the failed steps and exits 1. The cluster is stopped and its data
# directory removed on exit, whatever happens.
#
#   scripts/test.sh                  # everything, a few minutes
#   COBRO_LONG=1 scripts/test.sh     # also the long suites (longer random
#                                    # sequences, more property checks)
#
# As a user other than root it works when PostgreSQL is already installed
# (initdb runs as that user); packages are only installed as root.
#
# Conventions the tests follow:
#   COBRO_TEST_POSTGRES  URL of the PostgreSQL server for the tests (set here);
#                        without it, plain `go test ./...` skips PostgreSQL.
#   COBRO_LONG=1         enables long suites; plain `go test ./...` stays quick.
#   CI=true              a missing PostgreSQL, Chromium or pdftotext fails the
#                        tests that need it instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
say() { printf '\n== %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

failed=()
# step NAME COMMAND...: runs one step, prints its time, remembers a failure
# and goes on.
step() {
  local name=$1 t0=$SECONDS
  shift
  say "$name"
  if "$@"; then
    printf -- '-- %s: passed in %ds\n' "$name" $((SECONDS - t0))
  else
    printf -- '-- %s: FAILED in %ds\n' "$name" $((SECONDS - t0))
    failed+=("$name")
  fi
}

# ---------------------------------------------------------------- packages
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  command -v initdb >/dev/null 2>&1 && dirname "$(readlink -f "$(command -v initdb)")"
}

need_apt=()
[ -n "$(pg_bin)" ] || need_apt+=(postgresql)
# The browser tests (internal/web) drive the system Chromium; the PDF tests
# read the statement's text with pdftotext.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if is_root; then
    say "installing ${need_apt[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    warn "not root: cannot install ${need_apt[*]}; tests that need them are skipped (or fail under CI=true)"
  fi
fi

# -------------------------------------------------------------- PostgreSQL
PGBIN=$(pg_bin) || true
[ -n "$PGBIN" ] || die "PostgreSQL is not installed (as root: apt-get install postgresql)"
if is_root; then
  id postgres >/dev/null 2>&1 || die "no postgres user to run the cluster as (initdb refuses root)"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

PGDATA=$(mktemp -d /tmp/cobro-pg.XXXXXX)
pg_started=""
cleanup() {
  # Stop first, print after: the output may be a closed pipe by now.
  trap '' PIPE
  set +e
  if [ -n "$pg_started" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$PGDATA"
  [ -n "$pg_started" ] && say "stopped PostgreSQL on 127.0.0.1:$PGPORT and removed $PGDATA" 2>/dev/null
}
# A signal ends the script through exit, so that the EXIT trap runs: bash
# skips it when killed by a signal it does not trap.
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
is_root && chown postgres:postgres "$PGDATA"

port_busy() { (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

say "starting a throwaway PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $PGDATA"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
PGPORT=${COBRO_TEST_PGPORT:-55433}
for attempt in 1 2 3 4 5 6 7 8; do
  while port_busy "$PGPORT"; do PGPORT=$((PGPORT + 1)); done
  # Test settings only: durability off makes the suite faster. The
  # benchmarks and crash tests start their own clusters with the defaults.
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c max_connections=300 -c fsync=off -c synchronous_commit=off" \
    start >/dev/null; then
    pg_started=1
    break
  fi
  # Someone took the port between the check and the start: try the next.
  tail -5 "$PGDATA/server.log" >&2 || true
  [ "$attempt" -lt 8 ] || die "PostgreSQL did not start"
  PGPORT=$((PGPORT + 1))
done
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE cobro_test"
export COBRO_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/cobro_test?sslmode=disable"
echo "COBRO_TEST_POSTGRES=$COBRO_TEST_POSTGRES"

# ------------------------------------------------------------------ checks
echo "$(go version); CI=${CI:-} COBRO_LONG=${COBRO_LONG:-}"

gofmt_check() {
  local out
  out=$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -not -path '*/node_modules/*' -print0 |
    xargs -0 "$(go env GOROOT)/bin/gofmt" -l) || return 1
  [ -z "$out" ] && return 0
  echo "not gofmt-formatted (run gofmt -w):"
  echo "$out"
  return 1
}
step "gofmt" gofmt_check

step "go vet" go vet ./...

# staticcheck 2026.2.2 is module version v0.8.2 (the proxy does not resolve
# the year-based tag).
STATICCHECK_VERSION=v0.8.2
staticcheck_run() {
  local bin
  bin=$(go env GOPATH)/bin/staticcheck
  if ! { [ -x "$bin" ] && "$bin" -version 2>/dev/null | grep -q "(${STATICCHECK_VERSION#v})"; }; then
    echo "installing staticcheck@$STATICCHECK_VERSION"
    if ! go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"; then
      warn "staticcheck could not be installed: SKIPPED"
      return 0
    fi
  fi
  "$bin" ./...
}
step "staticcheck" staticcheck_run

timeout=10m
[ -n "${COBRO_LONG:-}" ] && timeout=60m
step "go test ./... (SQLite and PostgreSQL)" go test -count=1 -timeout "$timeout" ./...

# The core under the race detector: money, the ledger rules, the store, and
# the use cases with their concurrency tests (same document, same key, many
# servers). The API and the pages are included: that is where concurrent
# requests arrive (sessions, sign-in throttling, the password hash cap).
# The random-sequence tests ran in full above; here a few sequences each
# (RAPID_CHECKS) keep the pass short.
step "go test -race (core packages)" env CGO_ENABLED=1 RAPID_CHECKS="${RAPID_CHECKS:-4}" go test -count=1 -race -timeout "$timeout" \
  ./internal/money/... ./internal/ledger/... ./internal/store/... ./internal/app/... ./internal/api/... \
  ./internal/auth/... ./internal/web/... ./internal/jobs/...

# Every fuzz target in the tree, found rather than listed, so a new parser's
# target cannot be left out. A count, not a duration: a time limit can end
# the run while a new input is being minimised, which Go reports as a failure.
fuzz_all() {
  local ok=0 file target
  while IFS=: read -r file target; do
    target=${target#func }; target=${target%%(*}
    go test -run '^$' -fuzz "^$target\$" -fuzztime 4000x "./$(dirname "$file")" || ok=1
  done < <(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(' internal | sort)
  return $ok
}
step "fuzz (4000 inputs per target)" fuzz_all

say "done in $((SECONDS - started))s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED steps:\n'
  printf '  - %s\n' "${failed[@]}"
  exit 1
fi
echo "all steps passed"
