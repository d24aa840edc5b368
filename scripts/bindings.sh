#!/usr/bin/env bash
# The language bindings, built and exercised for real: Kotlin on the JVM (with JNA), Swift
# generated and its C header checked, Python built by maturin into a venv and run by pytest.
# Sourced by scripts/test.sh; also usable alone: `bash scripts/bindings.sh all`.
#
# Everything lands in <target>/bindings/ (kept between runs, like the target directory itself).
# <target> is cargo's target directory: target/ unless CARGO_TARGET_DIR (or build.target-dir)
# puts it elsewhere.
#   kotlin/sysops-kotlin.jar   generated Kotlin + libsysops_ffi.so as a JNA resource
#   kotlin/tests.jar           the programs in bindings/kotlin/src, when built for the tests
#   swift/                     Sysops.swift, SysopsFFI.h, SysopsFFI.modulemap
#   venv/                      Python with maturin, pytest, mypy and the sysops package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Cargo's target directory, asked of cargo instead of assumed to be target/: many users set
# CARGO_TARGET_DIR globally, and then nothing is built under target/.
cargo_target_dir() {
    cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
TARGET_DIR="$(cargo_target_dir)"
# A relative CARGO_TARGET_DIR (or CARGO_BUILD_TARGET_DIR) is resolved against the directory cargo
# runs in, and maturin runs cargo in bindings/python: pin it to the absolute path so that every
# cargo run shares one directory.
if [ -n "${CARGO_TARGET_DIR:-}${CARGO_BUILD_TARGET_DIR:-}" ]; then
    export CARGO_TARGET_DIR="$TARGET_DIR"
fi

BINDINGS_OUT="${BINDINGS_OUT:-$TARGET_DIR/bindings}"
CARGO_PROFILE="${CARGO_PROFILE:-debug}"
FFI_LIB="$TARGET_DIR/$CARGO_PROFILE/libsysops_ffi.so"
KOTLIN_HOME="${KOTLIN_HOME:-$TARGET_DIR/tools/kotlin/node_modules/kotlin-compiler}"
JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"
VENV="$BINDINGS_OUT/venv"

PROFILE_ARGS=()
if [ "$CARGO_PROFILE" = release ]; then
    PROFILE_ARGS=(--release)
fi

# Everything, with the feature set `cargo test --workspace --all-features` uses, so the tests
# reuse it (a no-op when already built), and linted as it compiles: clippy-driver compiles the
# workspace's own crates (cargo's RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` sets it; the
# dependencies are compiled by rustc as usual), so linting costs no second build of the
# dependencies, which `cargo clippy` (a check build of its own) would. CLIPPY_ARGS is how
# cargo-clippy hands clippy-driver its `-- -D warnings`. The same environment is kept for every
# later cargo run of the workspace, so none of them rebuilds.
lint_while_building() {
    local driver
    driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
    if [ -z "$driver" ]; then
        echo "clippy-driver not found: rustup component add clippy" >&2
        return 1
    fi
    export RUSTC_WORKSPACE_WRAPPER="$driver"
    export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
}

workspace_build() {
    cargo build --workspace --all-features --all-targets --locked "$@"
}

# The FFI library for Kotlin and Swift is the workspace build's libsysops_ffi.so: the JVM build
# of sysops-ffi differed from it only by the `python` feature (#[pyclass] impls and the Python
# exceptions, which nothing exported through UniFFI reaches), so the tests share one build.
# That library links libpython, as every binary of an all-features build does; the library
# shipped to phones is built without `python` (see bindings/kotlin/README.md). A release library
# is still built on its own.
ffi_build() {
    workspace_build --quiet
    if [ "$CARGO_PROFILE" != debug ]; then
        cargo build --quiet --locked -p sysops-ffi --lib "${PROFILE_ARGS[@]}"
    fi
}

bindgen() {
    "$TARGET_DIR/debug/uniffi-bindgen" generate --no-format "$@" "$FFI_LIB"
}

# The Kotlin compiler from npm: a download only, so scripts/test.sh runs it in the background.
kotlin_compiler() {
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        local prefix
        prefix="$(dirname "$(dirname "$KOTLIN_HOME")")"
        mkdir -p "$prefix"
        (cd "$prefix" && npm install --silent --no-audit --no-fund kotlin-compiler@2)
    fi
}

kotlin_tools() {
    kotlin_compiler
    if [ ! -f "$JNA_JAR" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq libjna-java >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && apt-get install -y -qq libjna-java >/dev/null; }
    fi
    command -v java >/dev/null || { echo "java (JDK 17) is required for the Kotlin bindings" >&2; return 1; }
}

# Generated Kotlin compiled into one jar that carries the native library (JNA finds it on the
# classpath). Kotlin sources given as arguments (the test programs in bindings/kotlin/src) are
# compiled in the same kotlinc run, because each start of kotlinc costs many seconds, and packed
# into tests.jar beside it: they are in the root package, so the jar of the bindings takes the
# packages (org/...) and the module metadata, tests.jar the classes at the top.
kotlin_jar() {
    kotlin_tools
    local out="$BINDINGS_OUT/kotlin" entry
    rm -rf "$out" && mkdir -p "$out/src" "$out/res/linux-x86-64"
    bindgen --language kotlin --out-dir "$out/src"
    cp "$FFI_LIB" "$out/res/linux-x86-64/"
    if ! "$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar" \
        "$out/src/org/sysops/sysops_ffi.kt" "$@" -d "$out/classes" >"$out/kotlinc.log" 2>&1; then
        grep -v '^warning' "$out/kotlinc.log" >&2 || true
        echo "kotlinc failed" >&2
        return 1
    fi
    grep -v '^warning' "$out/kotlinc.log" || true
    [ -d "$out/classes/org/sysops" ] || { echo "kotlinc failed on the generated bindings" >&2; return 1; }
    local library=() tests=()
    for entry in "$out/classes"/*; do
        if [ -d "$entry" ]; then
            library+=(-C "$out/classes" "$(basename "$entry")")
        else
            tests+=(-C "$out/classes" "$(basename "$entry")")
        fi
    done
    jar cf "$out/sysops-kotlin.jar" "${library[@]}" -C "$out/res" .
    if [ "$#" -gt 0 ]; then
        [ "${#tests[@]}" -gt 0 ] || { echo "kotlinc produced no test classes" >&2; return 1; }
        jar cf "$out/tests.jar" "${tests[@]}"
    fi
    echo "kotlin: $out/sysops-kotlin.jar"
}

kotlin_classpath() {
    echo "$BINDINGS_OUT/kotlin/sysops-kotlin.jar:$BINDINGS_OUT/kotlin/tests.jar:$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar"
}

# The Kotlin programs (bindings/kotlin/src, compiled by `kotlin_jar bindings/kotlin/src/*.kt`)
# run on a plain JVM.
kotlin_test() {
    local dir="$1"
    java -cp "$(kotlin_classpath)" BadInputKt "sqlite://$dir/kotlin-bad-input.db"
    java -cp "$(kotlin_classpath)" BillingKt "sqlite://$dir/kotlin-billing.db"
    java -cp "$(kotlin_classpath)" KnowledgeBaseKt "sqlite://$dir/kotlin-kb.db"
    java -cp "$(kotlin_classpath)" HelpdeskKt "sqlite://$dir/kotlin-helpdesk.db"
    java -cp "$(kotlin_classpath)" DeadlinesKt "sqlite://$dir/kotlin-deadlines.db"
    java -cp "$(kotlin_classpath)" NotificationsKt "sqlite://$dir/kotlin-notifications.db"
    java -cp "$(kotlin_classpath)" ReportsKt "sqlite://$dir/kotlin-reports.db"
    java -cp "$(kotlin_classpath)" SpikeKt "sqlite://$dir/kotlin-spike.db"
    java -cp "$(kotlin_classpath)" PhoneKt "sqlite://$dir/kotlin-server.db" "sqlite://$dir/kotlin-phone.db"
    java -cp "$(kotlin_classpath)" ExpertDayKt "sqlite://$dir/kotlin-expert-day.db" > "$dir/expert-day.kotlin.txt"
}

# Swift: generated source, header and module map. The header is compiled as C11 by a C
# compiler and a program taking the address of every function it declares is linked against
# the library, so a declaration the library lacks fails here. (No Swift compiler on Linux here.)
swift_check() {
    local out="$BINDINGS_OUT/swift" cc=cc
    rm -rf "$out" && mkdir -p "$out"
    bindgen --language swift --out-dir "$out"
    local flags=(-std=c11 -Wall -Wextra -Werror -I"$out")
    if command -v clang >/dev/null; then
        cc=clang
    else
        # _Nonnull and _Nullable are clang's nullability annotations (read by Swift); gcc lacks them.
        flags+=(-D_Nonnull= -D_Nullable=)
    fi
    local functions
    functions="$(grep -oE '\b(uniffi|ffi)_sysops_ffi_[A-Za-z0-9_]+' "$out/SysopsFFI.h" | sort -u)"
    {
        echo '#include "SysopsFFI.h"'
        echo 'static void *const functions[] = {'
        sed 's/.*/    (void *)\&&,/' <<<"$functions"
        echo '};'
        echo 'int main(void) { return functions[0] == 0; }'
    } > "$out/check.c"
    "$cc" "${flags[@]}" "$out/check.c" -L"$(dirname "$FFI_LIB")" -lsysops_ffi -o "$out/check"
    LD_LIBRARY_PATH="$(dirname "$FFI_LIB")" "$out/check"
    echo "swift: SysopsFFI.h compiles as C11 ($cc); all $(wc -l <<<"$functions") functions it declares link against the library"
    if ! diff -q "$out/Sysops.swift" bindings/swift/Sources/Sysops/Sysops.swift >/dev/null \
        || ! diff -q "$out/SysopsFFI.h" bindings/swift/Sources/SysopsFFI/include/SysopsFFI.h >/dev/null; then
        echo "bindings/swift is stale: run 'bash scripts/bindings.sh swift-update' and commit" >&2
        return 1
    fi
}

swift_update() {
    swift_check || true
    local out="$BINDINGS_OUT/swift"
    cp "$out/Sysops.swift" bindings/swift/Sources/Sysops/Sysops.swift
    cp "$out/SysopsFFI.h" bindings/swift/Sources/SysopsFFI/include/SysopsFFI.h
}

# A venv with maturin, pytest, mypy, pandas and polars: a download only, so scripts/test.sh runs it in the
# background.
python_venv() {
    if [ ! -x "$VENV/bin/maturin" ]; then
        python3 -m venv "$VENV"
        # pandas and polars for the reports' data-frame tests only: the package needs neither.
        "$VENV/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.16,<1.17' 'pytest>=8' 'mypy>=1.10' \
            'pandas>=2.2' 'polars>=1.0'
    fi
}

# The package from the workspace build, installed into the venv as `maturin develop` installs
# it: the extension module cargo built (lib_sysops.so, all features) is placed in the package's
# source folder and the venv points at that folder. maturin would build sysops-python once
# more with PyO3 settings of its own (an extension-module build of pyo3), and every crate above
# pyo3 with it; the workspace build links the interpreter's libpython instead, which a Python
# process has loaded already. `scripts/bindings.sh python` still builds with maturin, as users do.
python_install() {
    python_venv
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    "$VENV/bin/pip" uninstall --quiet --yes sysops >/dev/null 2>&1 || true
    cp "$TARGET_DIR/debug/lib_sysops.so" bindings/python/python/sysops/_sysops.abi3.so
    echo "$PWD/bindings/python/python" > "$site/sysops-workspace.pth"
    echo "python: $("$VENV/bin/python" -c 'import sysops, sys; print("sysops", sysops.__file__, "on", sys.version.split()[0])')"
}

# The package built by maturin and installed into the venv, as a user builds it.
python_develop() {
    python_venv
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    rm -f "$site/sysops-workspace.pth" bindings/python/python/sysops/_sysops.abi3.so
    (cd bindings/python && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
        maturin develop --quiet --locked ${PROFILE_ARGS[@]+"${PROFILE_ARGS[@]}"} >/dev/null)
    echo "python: $("$VENV/bin/python" -c 'import sysops, sys; print("sysops", sysops.__file__, "on", sys.version.split()[0])')"
}

python_test() {
    local dir="$1"
    (cd bindings/python && "$VENV/bin/python" -m mypy.stubtest sysops._sysops)
    (cd bindings/python && "$VENV/bin/python" -m mypy --strict tests python/sysops)
    (cd bindings/python && "$VENV/bin/python" -m pytest -q tests)
    "$VENV/bin/python" bindings/python/tests/expert_day.py "sqlite://$dir/python-expert-day.db" > "$dir/expert-day.python.txt"
}

# The same scenario in Rust, Kotlin and Python against fresh databases: identical output.
# Needs the workspace build (expert-day), the Kotlin and the Python runs before it.
same_final_state() {
    local dir="$1"
    "$TARGET_DIR/debug/expert-day" "sqlite://$dir/rust-expert-day.db" > "$dir/expert-day.rust.txt"
    for lang in kotlin python; do
        if ! diff -u "$dir/expert-day.rust.txt" "$dir/expert-day.$lang.txt"; then
            echo "the expert's day ends differently in $lang than in Rust" >&2
            return 1
        fi
    done
    echo "expert's day: Rust, Kotlin and Python end in the same state ($(wc -l < "$dir/expert-day.rust.txt") lines)"
}

all() {
    local dir
    dir="$(mktemp -d)"
    lint_while_building
    ffi_build
    python_install
    kotlin_jar bindings/kotlin/src/*.kt
    kotlin_test "$dir"
    swift_check
    python_test "$dir"
    same_final_state "$dir"
    rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-all}" in
        all) all ;;
        swift-update) lint_while_building && ffi_build && swift_update ;;
        kotlin-jar) lint_while_building && ffi_build && kotlin_jar ;;
        python) python_develop ;;
        *) echo "usage: scripts/bindings.sh [all|kotlin-jar|swift-update|python]" >&2; exit 2 ;;
    esac
fi
