//! `leak-scan PATH...`: searches files (and every file under directories) for card numbers
//! and labelled CVVs (see `sysops_core::testing::leaks`), printing where each is by brand and
//! last four digits only. Exits 1 when anything is found, 2 when a path cannot be read.
//! `scripts/test.sh` runs it over everything the run printed: the transcript of every stage,
//! the demo's whole output, the bindings' test programs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use sysops_core::testing::leaks::{Leak, leaks_in};

fn files(path: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            files(&entry?.path(), into)?;
        }
    } else {
        into.push(path.to_owned());
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut paths = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if let Err(e) = files(Path::new(&arg), &mut paths) {
            eprintln!("leak-scan: {}: {e}", Path::new(&arg).display());
            return ExitCode::from(2);
        }
    }
    if paths.is_empty() {
        eprintln!("usage: leak-scan PATH...");
        return ExitCode::from(2);
    }
    let mut found = 0;
    let mut bytes_read = 0;
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("leak-scan: cannot read {}", path.display());
            return ExitCode::from(2);
        };
        bytes_read += bytes.len();
        for leak in leaks_in(&String::from_utf8_lossy(&bytes)) {
            found += 1;
            match leak {
                Leak::CardNumber { line, brand, last4 } => {
                    println!("{}:{line}: a {brand:?} card number ending {last4}", path.display());
                }
                Leak::Cvv { line } => println!("{}:{line}: a CVV", path.display()),
            }
        }
    }
    println!("leak-scan: {} files, {bytes_read} bytes, {found} card numbers or CVVs", paths.len());
    if found == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
