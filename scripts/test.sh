#!/usr/bin/env bash
# The project's one test command: lint, docs, a bounded fuzz run, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
# How many fuzz targets run at once. libFuzzer runs on one core, so on a machine with N cores N
# targets run side by side, each still with FUZZ_SECONDS of a core of its own.
FUZZ_JOBS="${FUZZ_JOBS:-$(nproc)}"
[ "$FUZZ_JOBS" -ge 1 ] 2>/dev/null || FUZZ_JOBS=1

# Each stage prints how long it took when the next one begins, and a table of all of them closes
# the run (a failed one too), so CI logs show where the time goes.
stage="" stage_start=$SECONDS stage_names=() stage_times=()
end_stage() {
    if [ -n "$stage" ]; then
        local took=$((SECONDS - stage_start))
        printf '    [%s: %ds]\n' "$stage" "$took"
        stage_names+=("$stage")
        stage_times+=("$took")
        stage=""
    fi
}
# step NAME DESCRIPTION: starts the stage NAME (its name in the timing lines and the table).
step() {
    end_stage
    stage="$1" stage_start=$SECONDS
    shift
    printf '\n==> %s: %s\n' "$stage" "$*"
}
timings() {
    end_stage
    printf '\n==> timings\n'
    local i
    for i in "${!stage_names[@]}"; do
        printf '    %-14s %5ds\n' "${stage_names[$i]}" "${stage_times[$i]}"
    done
    printf '    %-14s %5ds  (%dm %ds)\n' total "$SECONDS" $((SECONDS / 60)) $((SECONDS % 60))
}

pg_started="" citus_started="" prefetch_pid=""
on_exit() {
    local status=$? failed="$stage"
    if [ -n "$prefetch_pid" ]; then
        kill "$prefetch_pid" 2>/dev/null || true
    fi
    if [ -n "$pg_started" ]; then
        pg_stop
    fi
    if [ -n "$citus_started" ]; then
        citus_stop
    fi
    timings
    if [ "$status" -ne 0 ]; then
        echo "FAILED in stage ${failed:-?} (exit status $status)" >&2
    fi
}
trap on_exit EXIT

# Everything the run prints is kept, to be searched for card data at the end (the leaks stage).
logs="$(mktemp -d)"
exec > >(tee "$logs/transcript.txt") 2>&1

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
# shellcheck source=scripts/citus.sh
source scripts/citus.sh
# shellcheck source=scripts/bindings.sh
source scripts/bindings.sh

# Downloads that need next to no CPU (the venv's packages from PyPI, the Kotlin compiler from npm)
# run in the background during the build instead of in the stages that need them.
prefetch_log="$(mktemp)"
(
    python_venv
    kotlin_compiler
) >"$prefetch_log" 2>&1 &
prefetch_pid=$!
prefetch_wait() {
    if [ -z "$prefetch_pid" ]; then
        return 0
    fi
    local pid="$prefetch_pid"
    prefetch_pid=""
    if ! wait "$pid"; then
        cat "$prefetch_log" >&2
        echo "installing the venv or the Kotlin compiler failed" >&2
        return 1
    fi
    cat "$prefetch_log"
    rm -f "$prefetch_log"
}

step toolchain+fmt "toolchain, cargo fmt --check"
cargo --version
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all --check
(cd fuzz && cargo fmt --check)

step postgres "PostgreSQL 15 (throwaway cluster)"
if [ -n "${SYSOPS_PG_URL:-}" ]; then
    echo "using the server at SYSOPS_PG_URL"
else
    pg_started=1
    pg_start
fi
# The Citus suite needs a cluster: SYSOPS_CITUS_URL, else one started here when Citus is installed
# or can be (see scripts/citus.sh). Without either it is skipped and says how to enable it, except
# under CI=true, where it must run.
if [ -n "${SYSOPS_CITUS_URL:-}" ]; then
    echo "using the Citus coordinator at SYSOPS_CITUS_URL"
elif citus_start; then
    citus_started=1
elif [ "${CI:-}" = "true" ]; then
    echo "CI=true but no Citus cluster could be started" >&2
    exit 1
else
    echo "Citus suite skipped: set SYSOPS_CITUS_URL to a Citus 13 coordinator, or install Citus 13 for PostgreSQL 15"
fi

# One build of everything, linted as it compiles (see lint_while_building in scripts/bindings.sh):
# the tests, the demo, the bindings and the Python package all use it.
step build+lint "build everything once, with clippy -D warnings (the feature set cargo test uses)"
lint_while_building
workspace_build
bin="$TARGET_DIR/debug"

step docs "cargo doc (warnings denied)"
# Every feature but `bindgen` (the uniffi-bindgen command line, whose dependencies would only be
# checked for nothing: it has no docs of its own).
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked \
    --features sysops-core/testing,sysops-core/python,sysops-ffi/hostile,sysops-ffi/python

# The fuzz targets: one `cargo fuzz build` compiles them all, so `cargo fuzz run` finds them built;
# the flags must be the same in both, or the run builds again. A run lasts seconds, so the build is
# tuned for compile time (fuzz/Cargo.toml's release profile: opt-level 1, the largest dependencies
# unoptimised) and uses 16 codegen units per crate (cargo-fuzz would force one).
# The fuzz crate is a workspace of its own, built without the lint wrapper.
step fuzz "${FUZZ_SECONDS}s per target, $FUZZ_JOBS at a time"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version '^0.13' --locked
fi
fuzz_flags=(--sanitizer none --codegen-units 16)
fuzz_targets=(ticket_workflow untrusted_input search_query ffi_surface)
fuzz_logs="$(mktemp -d)"
fuzz_cargo() {
    (cd fuzz && env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS RUSTC_BOOTSTRAP=1 cargo fuzz "$@")
}
if ! fuzz_cargo build "${fuzz_flags[@]}" >"$fuzz_logs/build.log" 2>&1; then
    cat "$fuzz_logs/build.log"
    echo "building the fuzz targets failed" >&2
    exit 1
fi
fuzz_run() {
    fuzz_cargo run "${fuzz_flags[@]}" "$1" -- -max_total_time="$FUZZ_SECONDS" -max_len=4096 >"$fuzz_logs/$1.log" 2>&1
}
fuzz_failed=""
for ((first = 0; first < ${#fuzz_targets[@]}; first += FUZZ_JOBS)); do
    batch=("${fuzz_targets[@]:first:FUZZ_JOBS}")
    pids=()
    for target in "${batch[@]}"; do
        fuzz_run "$target" &
        pids+=("$!")
    done
    for i in "${!batch[@]}"; do
        target="${batch[$i]}"
        if wait "${pids[$i]}"; then
            echo "$target: $(grep -E '^Done [0-9]+ runs' "$fuzz_logs/$target.log" || tail -n 1 "$fuzz_logs/$target.log")"
        else
            cat "$fuzz_logs/$target.log"
            echo "fuzz target $target failed" >&2
            fuzz_failed=1
        fi
    done
done
rm -rf "$fuzz_logs"
[ -z "$fuzz_failed" ] || exit 1
# Nothing later uses the fuzz build; on CI its gigabyte and a half of disk is better freed.
if [ "${CI:-}" = "true" ]; then
    rm -rf fuzz/target
fi

step smoke "demo and benchmark smoke runs (debug build, small sizes)"
smoke_dir="$(mktemp -d)"
"$bin/sysops-demo" --db "sqlite://$smoke_dir/demo.db" --customers 100 --experts 20 --tickets 200 --articles 300 >"$logs/demo-sqlite.txt"
tail -n 12 "$logs/demo-sqlite.txt"
"$bin/sysops-demo" --db "$SYSOPS_PG_URL" --customers 50 --experts 10 --tickets 100 --articles 200 --spike >"$logs/demo-postgres.txt"
grep -E "tickets submitted|caller's wait" "$logs/demo-postgres.txt"
"$bin/sysops-bench" submit --ops 120 --clients 1,8 --json
"$bin/sysops-bench" assign --json
"$bin/sysops-bench" billing --customers 150 --json
"$bin/sysops-bench" helpdesk --customers 2000 --json
"$bin/sysops-bench" reports --tickets 2000 --json
"$bin/sysops-bench" spike --clients 1,64 --seconds 2 --json
rm -rf "$smoke_dir"

# The bindings use the workspace build's libraries (see ffi_build and python_install in
# scripts/bindings.sh).
bindings_dir="$(mktemp -d)"
step kotlin "Kotlin on the JVM (bindings and test programs in one kotlinc run)"
prefetch_wait
kotlin_jar bindings/kotlin/src/*.kt
kotlin_test "$bindings_dir"

step swift "Swift: generated source, C header linked against the library"
swift_check

step python "Python: the package from the build; stubtest, mypy --strict, pytest, the expert's day"
python_install
python_test "$bindings_dir"

step expert-day "the expert's day in Rust, Kotlin and Python (the same scenario in each)"
same_final_state "$bindings_dir"
rm -rf "$bindings_dir"

step py-bench "Python vs. Rust read benchmark (smoke run on the debug build)"
"$VENV/bin/python" bindings/python/bench.py --binary "$bin/sysops-bench" --ops 500 --rounds 2

step rust-tests "cargo test (SQLite, PostgreSQL, in-memory; the crash test)"
# What passing tests print is kept too (--nocapture), in a file of its own: the leaks stage
# searches it, and the transcript shows the summaries.
if ! cargo test --workspace --all-features --locked -- --nocapture >"$logs/rust-tests.txt" 2>&1; then
    grep -E "^test .* FAILED$|panicked at" "$logs/rust-tests.txt" || true
    tail -n 200 "$logs/rust-tests.txt"
    exit 1
fi
grep -E "^ +(Running|Doc-tests) |^test result" "$logs/rust-tests.txt"

# The suites that touch PostgreSQL again, on the Citus coordinator: the same adapter, distributed.
# (`tests/citus.rs`, the Citus-only cases, ran above with SYSOPS_CITUS_URL.)
if [ -n "${SYSOPS_CITUS_URL:-}" ]; then
    step citus "conformance, reliability, the crash test and the expert's day on Citus"
    # The workspace's feature set, so nothing is compiled again. Only the PostgreSQL cases of the
    # suites that name their backend (their SQLite cases ran above); reliability's mix them.
    SYSOPS_PG_URL="$SYSOPS_CITUS_URL" cargo test --workspace --all-features --locked \
        --test conformance --test crash --test billing_crash --test notify_crash -- postgres
    SYSOPS_PG_URL="$SYSOPS_CITUS_URL" cargo test --workspace --all-features --locked --test reliability
    citus_day="$(mktemp -d)"
    "$bin/expert-day" "sqlite://$citus_day/day.db" >"$citus_day/sqlite.txt"
    "$bin/expert-day" "$SYSOPS_CITUS_URL" >"$citus_day/citus.txt"
    diff -u "$citus_day/sqlite.txt" "$citus_day/citus.txt"
    echo "expert's day: the same final state on Citus as on SQLite"
    rm -rf "$citus_day"
fi

step leaks "card numbers or CVVs in anything this run printed: stages, demo, tests (leak-scan)"
"$bin/leak-scan" "$logs"
rm -rf "$logs"
