// SwiftPM needs one source file in a C target; the symbols come from the Rust library.
