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
#   pyo3-env.sh                the PyO3 build environment maturin used (see python_develop)
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
PYO3_ENV_FILE="$BINDINGS_OUT/pyo3-env.sh"

PROFILE_ARGS=()
if [ "$CARGO_PROFILE" = release ]; then
    PROFILE_ARGS=(--release)
fi

# The names pyo3-env.sh exports, one a line.
pyo3_env_names() {
    if [ -f "$PYO3_ENV_FILE" ]; then
        sed -n 's/^export \([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$PYO3_ENV_FILE"
    fi
}

pyo3_env_clear() {
    local name
    for name in $(pyo3_env_names); do
        unset "$name"
    done
}

# Exports the PyO3 environment maturin built with (recorded by python_develop), so every cargo
# run builds pyo3 the way maturin does and they all share one build of it. Loaded whenever this
# file is sourced, so clippy and the workspace build of a later run use it from the start.
pyo3_env_load() {
    if [ ! -f "$PYO3_ENV_FILE" ]; then
        return 0
    fi
    # shellcheck source=/dev/null
    source "$PYO3_ENV_FILE"
    # Left by a venv since replaced, or pointing into a cleaned target directory: it would break
    # the build rather than speed it up.
    if { [ -n "${PYO3_PYTHON:-}" ] && [ ! -x "$PYO3_PYTHON" ]; } \
        || { [ -n "${PYO3_CONFIG_FILE:-}" ] && [ ! -f "$PYO3_CONFIG_FILE" ]; }; then
        pyo3_env_clear
        rm -f "$PYO3_ENV_FILE"
    fi
}
pyo3_env_load

# Everything, with the feature set `cargo test --workspace --all-features` uses, so the tests
# reuse it (a no-op when already built). Gives uniffi-bindgen, expert-day and, in debug, the FFI
# library for Kotlin and Swift.
workspace_build() {
    cargo build --workspace --all-features --all-targets --locked "$@"
}

# The FFI library for Kotlin and Swift. In debug it is the workspace build's own
# libsysops_ffi.so (all features, `python` among them) instead of a second build of sysops-ffi
# without `python`: the two differed only by that feature, and the second build cost minutes.
# `python` only adds #[pyclass] impls that nothing exported through UniFFI reaches, so the linker
# drops them, and nothing asks for libpython (with PYO3_BUILD_EXTENSION_MODULE, as maturin builds,
# pyo3 does not link it at all; without, the linker's --as-needed drops it).
# ffi_lib_check verifies that on the file. A release library is still built on its own.
ffi_build() {
    workspace_build --quiet
    if [ "$CARGO_PROFILE" != debug ]; then
        cargo build --quiet --locked -p sysops-ffi --lib "${PROFILE_ARGS[@]}"
    fi
}

# The JVM (and the Swift check's C program) must load the library without libpython.
ffi_lib_check() {
    if ! command -v readelf >/dev/null || ! command -v nm >/dev/null; then
        return 0
    fi
    local needed undefined
    needed="$(readelf -d "$FFI_LIB" | grep 'NEEDED.*libpython' || true)"
    undefined="$(nm -D --undefined-only "$FFI_LIB" | grep -E ' U _?Py' || true)"
    if [ -n "$needed$undefined" ]; then
        printf '%s\n' "$needed" "$undefined" | head -n 5 >&2
        echo "$FFI_LIB needs libpython: pyo3 code reached the FFI library, and the JVM cannot load it" >&2
        return 1
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

# A venv with maturin, pytest and mypy: a download only, so scripts/test.sh runs it in the
# background.
python_venv() {
    if [ ! -x "$VENV/bin/maturin" ]; then
        rm -f "$PYO3_ENV_FILE" # recorded with the interpreter of a venv that is gone
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.16,<1.17' 'pytest>=8' 'mypy>=1.10'
    fi
}

# Every feature of every workspace package that bindings/python depends on directly, as
# `dependency/feature` (sysops-ffi/hostile, ...): what --all-features turns on for them in the
# workspace build. Read from cargo metadata, so it follows the manifests.
python_package_features() {
    local script
    script="$(
        cat <<'PY'
import json, os, sys
meta = json.load(sys.stdin)
members = {p["name"]: p for p in meta["packages"]}
manifest = os.path.abspath("bindings/python/Cargo.toml")
package = next(p for p in meta["packages"] if p["manifest_path"] == manifest)
features = []
for dep in package["dependencies"]:
    if dep["kind"] is None and dep["name"] in members:
        name = dep.get("rename") or dep["name"]
        features += [name + "/" + f for f in sorted(members[dep["name"]]["features"]) if f != "default"]
print(",".join(features))
PY
    )"
    cargo metadata --format-version 1 --no-deps | python3 -c "$script"
}

# The package built by maturin and installed into the venv.
#
# maturin builds with an environment of its own for PyO3's build scripts: PYO3_PYTHON and
# PYO3_ENVIRONMENT_SIGNATURE (its interpreter), PYO3_BUILD_EXTENSION_MODULE=1 (do not link
# libpython) and, for an abi3 build like this one, a PYO3_CONFIG_FILE it writes under
# <target>/maturin/. pyo3-ffi's build script reruns whenever one of them differs from the build
# before, and then pyo3-ffi, pyo3 and every crate above them (sysops-ffi, and sysops-core upwards
# where it has its `python` feature) are compiled again: by maturin after the workspace build,
# then by the next `cargo build` or `cargo test` once more.
# Rather than copy maturin's rules (they change between its releases), the `cargo` that maturin
# starts is a shim that writes that environment down (and CARGO_ENCODED_RUSTFLAGS, which maturin
# sets on some platforms, not on Linux with glibc) and runs the real cargo; pyo3_env_load
# exports it for every later cargo run (and the next run of the scripts), so all of them build
# pyo3 as maturin does and share one build of it. scripts/test.sh runs this before the workspace
# build: on a fresh clone maturin builds the dependencies first and the workspace build reuses them.
#
# In debug, maturin also gets the features the workspace build (--all-features) gives the
# package's own workspace dependencies (python_package_features: today sysops-ffi's bindgen and
# hostile, which the Python module does not reach, so the linker drops them). With them the
# package's dependency graph has the workspace build's features everywhere but sysops-core's
# `testing` (only the workspace's tests enable it, and sysops-core is no direct dependency of the
# package, so no --features can name it): only sysops-core, -storage, -ffi and -python are
# compiled a second time, not uniffi and sqlx as well.
python_develop() {
    local shim features=()
    shim="$(mktemp -d)"
    cat > "$shim/cargo" <<'EOF'
#!/usr/bin/env bash
# Written by scripts/bindings.sh: records the PyO3 environment of maturin's `cargo rustc`.
if [ "${1:-}" = rustc ] || [ "${1:-}" = build ]; then
    for name in $(compgen -e); do
        case "$name" in
            PYO3_* | PYTHON_SYS_EXECUTABLE | VIRTUAL_ENV | CONDA_PREFIX | CARGO_ENCODED_RUSTFLAGS)
                printf 'export %s=%q\n' "$name" "${!name}" ;;
        esac
    done > "$SYSOPS_PYO3_ENV_OUT"
fi
exec "$SYSOPS_REAL_CARGO" "$@"
EOF
    chmod +x "$shim/cargo"
    if [ "$CARGO_PROFILE" = debug ]; then
        features=(--features "$(python_package_features)")
    fi
    (
        # maturin in the PyO3 environment of a plain shell, as anyone's `maturin develop` runs:
        # a PYO3_CONFIG_FILE in it would even change how maturin picks the interpreter.
        pyo3_env_clear
        cd bindings/python
        SYSOPS_REAL_CARGO="$(command -v cargo)" SYSOPS_PYO3_ENV_OUT="$shim/env" \
            VIRTUAL_ENV="$VENV" PATH="$shim:$VENV/bin:$PATH" \
            maturin develop --quiet --locked ${PROFILE_ARGS[@]+"${PROFILE_ARGS[@]}"} \
            ${features[@]+"${features[@]}"} >/dev/null
    )
    if [ -s "$shim/env" ]; then
        pyo3_env_clear # what the previous file exported, in case this one lacks some of it
        mv "$shim/env" "$PYO3_ENV_FILE"
        pyo3_env_load
    else
        echo "warning: maturin's cargo environment was not seen; the next cargo build may rebuild pyo3" >&2
    fi
    rm -rf "$shim"
    echo "python: $("$VENV/bin/python" -c 'import sysops, sys; print("sysops", sysops.__file__, "on", sys.version.split()[0])')"
}

python_env() {
    python_venv
    python_develop
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
    python_env # first: it records the PyO3 environment that the workspace build then shares
    ffi_build
    ffi_lib_check
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
        swift-update) ffi_build && swift_update ;;
        kotlin-jar) ffi_build && ffi_lib_check && kotlin_jar ;;
        python) python_env ;;
        *) echo "usage: scripts/bindings.sh [all|kotlin-jar|swift-update|python]" >&2; exit 2 ;;
    esac
fi
