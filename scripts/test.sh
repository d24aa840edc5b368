#!/usr/bin/env bash
# The project's one test command: lint, docs, a bounded fuzz run, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
# Each stage prints how long the one before it took, so CI logs show where the time goes.
stage="" stage_start=$SECONDS
step() {
    [ -n "$stage" ] && printf '    [%s: %ds]\n' "$stage" $((SECONDS - stage_start))
    stage="$*" stage_start=$SECONDS
    printf '\n==> %s\n' "$*"
}

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
# shellcheck source=scripts/bindings.sh
source scripts/bindings.sh

step "toolchain"
cargo --version
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "cargo fmt --check"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

step "fuzz: ${FUZZ_SECONDS}s per target"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version '^0.13' --locked
fi
fuzz_log="$(mktemp)"
for target in ticket_workflow untrusted_input ffi_surface; do
    if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" -- \
        -max_total_time="$FUZZ_SECONDS" -max_len=4096) >"$fuzz_log" 2>&1; then
        cat "$fuzz_log"
        echo "fuzz target $target failed" >&2
        exit 1
    fi
    echo "$target: $(grep -E '^Done [0-9]+ runs' "$fuzz_log" || tail -n 1 "$fuzz_log")"
done
rm -f "$fuzz_log"

step "PostgreSQL 15 (throwaway cluster)"
if [ -n "${SYSOPS_PG_URL:-}" ]; then
    echo "using the server at SYSOPS_PG_URL"
else
    pg_start
    trap pg_stop EXIT
fi

step "build everything once (the feature set cargo test uses, so nothing is built twice)"
workspace_build
bin="$PWD/target/debug"

step "demo and benchmark smoke runs (debug build, small sizes)"
smoke_dir="$(mktemp -d)"
"$bin/sysops-demo" --db "sqlite://$smoke_dir/demo.db" --customers 100 --experts 20 --tickets 200 | tail -n 12
"$bin/sysops-demo" --db "$SYSOPS_PG_URL" --customers 50 --experts 10 --tickets 100 | grep -E "tickets submitted"
"$bin/sysops-bench" submit --ops 120 --json
"$bin/sysops-bench" assign --json
rm -rf "$smoke_dir"

step "bindings: Kotlin on the JVM, Swift header, Python package (the same scenario in each)"
bindings_dir="$(mktemp -d)"
ffi_build
kotlin_jar
kotlin_test "$bindings_dir"
swift_check
python_env
python_test "$bindings_dir"
same_final_state "$bindings_dir"
rm -rf "$bindings_dir"

step "Python vs. Rust read benchmark (smoke run on the debug build)"
"$BINDINGS_OUT/venv/bin/python" bindings/python/bench.py --binary "$bin/sysops-bench" --ops 500 --rounds 2

step "cargo test (SQLite, PostgreSQL, in-memory)"
cargo test --workspace --all-features --locked

step "done in $((SECONDS / 60))m $((SECONDS % 60))s"
