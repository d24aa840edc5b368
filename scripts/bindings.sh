#!/usr/bin/env bash
# The language bindings, built and exercised for real: Kotlin on the JVM (with JNA), Swift
# generated and its C header checked, Python built by maturin into a venv and run by pytest.
# Sourced by scripts/test.sh; also usable alone: `bash scripts/bindings.sh all`.
#
# Everything lands in target/bindings/ (kept between runs, like target/ itself):
#   kotlin/sysops-kotlin.jar   generated Kotlin + libsysops_ffi.so as a JNA resource
#   swift/                     Sysops.swift, SysopsFFI.h, SysopsFFI.modulemap
#   venv/                      Python with maturin, pytest, mypy and the sysops package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BINDINGS_OUT="${BINDINGS_OUT:-$PWD/target/bindings}"
CARGO_PROFILE="${CARGO_PROFILE:-debug}"
FFI_LIB="$PWD/target/$CARGO_PROFILE/libsysops_ffi.so"
KOTLIN_HOME="${KOTLIN_HOME:-$PWD/target/tools/kotlin/node_modules/kotlin-compiler}"
JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"

profile_flag() { [ "$CARGO_PROFILE" = release ] && echo --release || true; }

# Everything, with the feature set `cargo test --workspace --all-features` uses, so the tests
# reuse it (a no-op when already built). Gives uniffi-bindgen and expert-day.
workspace_build() {
    cargo build --workspace --all-features --all-targets --locked "$@"
}

# The FFI library for Kotlin and Swift: without the `python` feature (the JVM must not need
# libpython), so a build of its own.
ffi_build() {
    workspace_build --quiet
    cargo build --quiet --locked -p sysops-ffi --lib $(profile_flag)
}

bindgen() {
    "$PWD/target/debug/uniffi-bindgen" generate --no-format "$@" "$FFI_LIB"
}

kotlin_tools() {
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        mkdir -p "$(dirname "$(dirname "$KOTLIN_HOME")")"
        (cd "$(dirname "$(dirname "$KOTLIN_HOME")")" && npm install --silent --no-audit --no-fund kotlin-compiler@2)
    fi
    if [ ! -f "$JNA_JAR" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq libjna-java >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && apt-get install -y -qq libjna-java >/dev/null; }
    fi
    command -v java >/dev/null || { echo "java (JDK 17) is required for the Kotlin bindings" >&2; return 1; }
}

# Generated Kotlin compiled into one jar that carries the native library (JNA finds it on the classpath).
kotlin_jar() {
    kotlin_tools
    local out="$BINDINGS_OUT/kotlin"
    rm -rf "$out" && mkdir -p "$out/src" "$out/res/linux-x86-64"
    bindgen --language kotlin --out-dir "$out/src"
    cp "$FFI_LIB" "$out/res/linux-x86-64/"
    "$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar" \
        "$out/src/org/sysops/sysops_ffi.kt" -d "$out/classes" 2>&1 | grep -v '^warning' || true
    [ -d "$out/classes/org/sysops" ] || { echo "kotlinc failed on the generated bindings" >&2; return 1; }
    jar cf "$out/sysops-kotlin.jar" -C "$out/classes" . -C "$out/res" .
    echo "kotlin: $out/sysops-kotlin.jar"
}

kotlin_classpath() {
    echo "$BINDINGS_OUT/kotlin/sysops-kotlin.jar:$BINDINGS_OUT/kotlin/tests.jar:$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar"
}

# The Kotlin programs (bindings/kotlin/src) compiled against the jar and run on a plain JVM.
kotlin_test() {
    local dir="$1"
    "$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$BINDINGS_OUT/kotlin/sysops-kotlin.jar:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar" \
        bindings/kotlin/src/*.kt -d "$BINDINGS_OUT/kotlin/tests.jar"
    java -cp "$(kotlin_classpath)" BadInputKt "sqlite://$dir/kotlin-bad-input.db"
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

# A venv with maturin, pytest and mypy; the package built by maturin and installed into it.
python_env() {
    local venv="$BINDINGS_OUT/venv"
    if [ ! -x "$venv/bin/maturin" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.16,<1.17' 'pytest>=8' 'mypy>=1.10'
    fi
    (cd bindings/python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        maturin develop --quiet --locked $(profile_flag) >/dev/null)
    echo "python: $("$venv/bin/python" -c 'import sysops, sys; print("sysops", sysops.__file__, "on", sys.version.split()[0])')"
}

python_test() {
    local dir="$1" venv="$BINDINGS_OUT/venv"
    (cd bindings/python && "$venv/bin/python" -m mypy.stubtest sysops._sysops)
    (cd bindings/python && "$venv/bin/python" -m mypy --strict tests python/sysops)
    (cd bindings/python && "$venv/bin/python" -m pytest -q tests)
    "$venv/bin/python" bindings/python/tests/expert_day.py "sqlite://$dir/python-expert-day.db" > "$dir/expert-day.python.txt"
}

# The same scenario in Rust, Kotlin and Python against fresh databases: identical output.
same_final_state() {
    local dir="$1"
    workspace_build --quiet
    "$PWD/target/debug/expert-day" "sqlite://$dir/rust-expert-day.db" > "$dir/expert-day.rust.txt"
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
    ffi_build
    kotlin_jar
    kotlin_test "$dir"
    swift_check
    python_env
    python_test "$dir"
    same_final_state "$dir"
    rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-all}" in
        all) all ;;
        swift-update) ffi_build && swift_update ;;
        kotlin-jar) ffi_build && kotlin_jar ;;
        python) python_env ;;
        *) echo "usage: scripts/bindings.sh [all|kotlin-jar|swift-update|python]" >&2; exit 2 ;;
    esac
fi
