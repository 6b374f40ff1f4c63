//! The CLI's layers, checked on its source: every module sits in a layer
//! folder and uses only the layers below its own (or its own), and no
//! command imports another command (shared code goes to a layer below).
//!
//! Top down: `cli.rs` and `commands/` (the parser and the subcommands),
//! `guest/`, `top/`, `view/`, `sys/`, `spec/`. `main.rs` only wires them.

use std::path::{Path, PathBuf};

/// The layers, lowest first; a file may use its own layer and those before it.
const LAYERS: &[&str] = &["spec", "sys", "view", "top", "guest", "commands"];

fn rank(module: &str) -> Option<usize> {
    // cli.rs is the commands' level: it lists their Args, the dispatcher
    // in commands/mod.rs matches its enum.
    let module = if module == "cli" { "commands" } else { module };
    LAYERS.iter().position(|l| *l == module)
}

/// The top-level modules a file's code names as `crate::NAME`
/// (`use crate::{a, b::c}` included), comments left out.
fn crate_refs(text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for line in code_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            if let Some(group) = tail.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                refs.extend(inner.split(',').filter_map(|i| first_ident(i.trim())));
            } else if let Some(name) = first_ident(tail) {
                refs.push(name);
            }
            rest = tail;
        }
    }
    refs
}

fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.split("//").next().unwrap_or(""))
}

fn first_ident(s: &str) -> Option<String> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| s[..end].to_owned())
}

/// What is wrong with the file at `rel` (relative to src/, '/'-separated)
/// holding `text`; empty when nothing is.
fn violations(rel: &str, text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    if rel == "main.rs" {
        return bad;
    }
    let layer = rel.split('/').next().unwrap_or("").trim_end_matches(".rs");
    let Some(own) = rank(layer) else {
        bad.push(format!(
            "{rel}: not in a layer folder ({})",
            LAYERS.join(", ")
        ));
        return bad;
    };
    let is_command = rel.starts_with("commands/") && rel != "commands/mod.rs";
    for target in crate_refs(text) {
        if is_command && (target == "commands" || target == "cli") {
            bad.push(format!(
                "{rel}: a command uses crate::{target} (commands never import each other: \
                 move what they share to top/, view/, sys/ or spec/)"
            ));
            continue;
        }
        match rank(&target) {
            Some(r) if r > own => bad.push(format!(
                "{rel}: layer {layer} uses crate::{target}, a layer above it"
            )),
            Some(_) => {}
            None => bad.push(format!("{rel}: crate::{target} is in no layer")),
        }
    }
    if is_command {
        // `use super::*;` is a tests module's; any other super:: path from
        // a command file reaches its sibling commands.
        for line in code_lines(text) {
            if line.contains("super::") && line.trim() != "use super::*;" {
                bad.push(format!(
                    "{rel}: `{}` reaches another command through super::",
                    line.trim()
                ));
            }
        }
    }
    bad
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_source_keeps_its_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 30,
        "found only {} files in {}",
        files.len(),
        src.display()
    );
    let mut commands = 0;
    let mut bad = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        commands += usize::from(rel.starts_with("commands/"));
        bad.extend(violations(&rel, &std::fs::read_to_string(file).unwrap()));
    }
    assert!(commands > 20, "only {commands} files under commands/");
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
}

#[test]
fn a_command_importing_another_is_caught() {
    let text = "use serde::Serialize;\nuse crate::commands::ls::flags_cell;\n";
    let v = violations("commands/info.rs", text);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("commands never import each other"), "{v:?}");
    assert_eq!(
        violations("commands/enter.rs", "use crate::{commands::exec, spec};").len(),
        1
    );
    assert_eq!(
        violations("commands/enter.rs", "    super::exec::run(args)").len(),
        1
    );
    assert_eq!(
        violations("commands/stat.rs", "use crate::cli::Cli;").len(),
        1
    );
    // The dispatcher and the parser may name the commands.
    assert!(violations("commands/mod.rs", "use crate::cli::{Cli, Command};").is_empty());
    assert!(violations("cli.rs", "use crate::commands::{exec, ls};").is_empty());
}

#[test]
fn a_lower_layer_reaching_up_is_caught() {
    assert_eq!(
        violations("sys/cgstat.rs", "use crate::view::table::Table;").len(),
        1
    );
    assert_eq!(
        violations("view/json.rs", "let x = crate::top::frame::f();").len(),
        1
    );
    assert_eq!(
        violations("spec/paths.rs", "use crate::sys::cgroup;").len(),
        1
    );
    assert_eq!(violations("helpers.rs", "").len(), 1);
    assert_eq!(violations("sys/x.rs", "use crate::nowhere::y;").len(), 1);
    // Own layer and below, tests' super::*, and comments are fine.
    let ok = "use crate::sys::cgroup;\nuse crate::spec::paths;\n\
              // crate::commands::exec does this too\nuse super::*;\n";
    assert!(violations("sys/cgstat.rs", ok).is_empty());
    assert!(violations("commands/ls.rs", "use crate::view::{human, table::Table};").is_empty());
}
