//! The shape ARCHITECTURE.md promises, checked on the sources: the core's top-level modules
//! import each other without a cycle (so the shared modules never depend on a domain), and no
//! hand-written Rust file grows past 600 lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The identifiers of a `crate::…` path or `use crate::{…}` group: `crate::a::b` gives `a`,
/// `use crate::{A, b::C}` gives `A` and `b`.
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let first = item.trim().split("::").next().unwrap_or("").trim();
                names.insert(first.split(' ').next().unwrap_or("").to_owned());
            }
        } else {
            let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            names.insert(ident);
        }
    }
    names
}

/// Each top-level module of the core and the modules its code (not its comments) names.
fn core_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().trim_start_matches("pub ").strip_prefix("mod "))
        .map(|l| l.trim_end_matches(';').to_owned())
        .collect();
    // Root re-exports (`pub use ticket::{Ticket, …}`): a `crate::Ticket` is a use of `ticket`.
    let mut owner = BTreeMap::new();
    for statement in lib.split(';').filter_map(|s| s.trim().strip_prefix("pub use ")) {
        let (module, items) = statement.split_once("::").unwrap();
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = item.split(" as ").last().unwrap().trim();
            owner.insert(name.to_owned(), module.trim().to_owned());
        }
    }
    let mut graph = BTreeMap::new();
    for module in &modules {
        let (dir, file) = (src.join(module), src.join(format!("{module}.rs")));
        let files = if dir.is_dir() { rust_files(&dir) } else { vec![file] };
        let mut deps = BTreeSet::new();
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            let code: String =
                text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            for name in crate_references(&code) {
                if modules.contains(&name) {
                    deps.insert(name);
                } else if let Some(module) = owner.get(&name) {
                    deps.insert(module.clone());
                }
            }
        }
        deps.remove(module);
        graph.insert(module.clone(), deps);
    }
    graph
}

/// A cycle through `from`, if there is one.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in &graph[&at] {
            if next == from {
                return Some([path.clone(), vec![from.to_owned()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn the_core_modules_import_each_other_without_a_cycle() {
    let graph = core_graph();
    assert!(graph.len() > 20, "the module list was read: {:?}", graph.keys());
    // The imports were read too (an empty graph would have no cycle either).
    for (module, uses) in [("service", "ticket"), ("ticket", "error"), ("assignment", "expert"), ("error", "stream")] {
        assert!(graph[module].contains(uses), "{module} uses {uses}: {:?}", graph[module]);
    }
    for module in graph.keys() {
        if let Some(cycle) = cycle_through(&graph, module) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_shared_modules_import_no_domain() {
    let graph = core_graph();
    let domains = ["ticket", "expert", "customer", "plan", "staff", "assignment", "service", "store"];
    for shared in ["error", "stream", "id", "time", "actor", "event", "aggregate", "persist", "rule"] {
        let imported: Vec<_> = graph[shared].iter().filter(|d| domains.contains(&d.as_str())).collect();
        assert!(imported.is_empty(), "{shared} imports {imported:?}");
    }
}

#[test]
fn no_hand_written_rust_file_is_longer_than_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let crates = ["sysops-core", "sysops-storage", "sysops-ffi", "bindings/python", "examples", "tests", "fuzz"];
    for file in crates.iter().flat_map(|c| rust_files(&root.join(c))) {
        if file.components().any(|c| c.as_os_str() == "target") {
            continue;
        }
        let lines = fs::read_to_string(&file).unwrap().lines().count();
        assert!(lines <= 600, "{} has {lines} lines", file.display());
    }
}
