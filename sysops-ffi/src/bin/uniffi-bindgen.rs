//! Generates the Kotlin and Swift bindings from the built library (`generate --language kotlin ...`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
