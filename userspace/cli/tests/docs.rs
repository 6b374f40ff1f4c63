//! The man pages and completion scripts the binary generates from its clap
//! definitions: every page renders with `man -l`, every subcommand has
//! one, and every completion script loads in its shell (bash always; zsh
//! and fish where installed: tools/deps installs them). Also the bad input
//! of `vctx top` and `vctx metrics` that clap and the CLI catch on a host.

use std::path::{Path, PathBuf};
use std::process::Command as Proc;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vctx-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn has(tool: &str) -> bool {
    Proc::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

/// The visible subcommands, as `vctx --help` lists them.
fn subcommands() -> Vec<String> {
    let out = cargo_bin_cmd!("vctx").arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped help continues on deeper-indented lines.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn man_pages_render_one_per_subcommand() {
    let dir = scratch("man");
    cargo_bin_cmd!("vctx")
        .arg("manpages")
        .arg(&dir)
        .assert()
        .success();
    let subs = subcommands();
    assert!(subs.len() >= 19, "{subs:?}");
    let mut pages = vec!["vctx.1".to_owned()];
    pages.extend(subs.iter().map(|s| format!("vctx-{s}.1")));
    let missing: Vec<&String> = pages.iter().filter(|p| !dir.join(p).exists()).collect();
    assert!(missing.is_empty(), "no man page for: {missing:?}");
    assert!(
        !dir.join("vctx-manpages.1").exists(),
        "a hidden command got a page"
    );
    assert!(
        has("man"),
        "man is not installed (tools/deps installs man-db)"
    );
    for page in &pages {
        let out = Proc::new("man")
            .arg("-l")
            .arg(dir.join(page))
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let errors = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{page}: man -l failed: {errors}");
        assert!(errors.trim().is_empty(), "{page}: groff warned: {errors}");
        let title = page.trim_end_matches(".1");
        assert!(
            text.contains("NAME") && text.contains(title),
            "{page}:\n{text}"
        );
        assert!(text.contains("SYNOPSIS"), "{page}:\n{text}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_man_page_is_one_clear_line() {
    // What `man -l` says of a page that is not there: one line, naming it.
    let out = Proc::new("man")
        .args(["-l", "/nonexistent/vctx-nosuch.1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("vctx-nosuch.1"), "{err}");
}

fn completion(shell: &str, dir: &Path, file: &str) -> PathBuf {
    let out = cargo_bin_cmd!("vctx")
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.is_empty());
    let path = dir.join(file);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn run_shell(shell: &str, script: &str) -> String {
    let out = Proc::new(shell).args(["-c", script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{shell}: {script}: {stderr}");
    assert!(stderr.trim().is_empty(), "{shell} complained: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bash_completion_loads_and_completes() {
    let dir = scratch("bash");
    let f = completion("bash", &dir, "vctx.bash");
    let f = f.display();
    let out = run_shell("bash", &format!("source {f} && complete -p vctx"));
    assert!(out.contains("-F _vctx"), "{out}");
    // Ask the function itself what `vctx to<TAB>` offers.
    let out = run_shell(
        "bash",
        &format!(
            "source {f}; COMP_WORDS=(vctx to); COMP_CWORD=1; COMP_LINE='vctx to'; \
             COMP_POINT=7; _vctx vctx to vctx; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        ),
    );
    assert_eq!(out.trim(), "top");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zsh_completion_loads() {
    if !has("zsh") {
        eprintln!("zsh not installed: skipped (tools/deps installs it)");
        return;
    }
    let dir = scratch("zsh");
    completion("zsh", &dir, "_vctx");
    let script = format!(
        "fpath=({} $fpath); autoload -Uz compinit && compinit -u -D && autoload -Uz _vctx && \
         whence -w _vctx && [[ $_comps[vctx] == _vctx ]] && echo ok",
        dir.display()
    );
    let out = run_shell("zsh", &script);
    assert!(
        out.contains("_vctx: function") && out.trim_end().ends_with("ok"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fish_completion_loads_and_completes() {
    if !has("fish") {
        eprintln!("fish not installed: skipped (tools/deps installs it)");
        return;
    }
    let dir = scratch("fish");
    let f = completion("fish", &dir, "vctx.fish");
    let out = run_shell(
        "fish",
        &format!("source {}; complete -C 'vctx metr'", f.display()),
    );
    assert!(out.starts_with("metrics"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_interval_and_listen_are_one_line() {
    for (args, want) in [
        (
            vec!["top", "--interval", "5x"],
            "invalid value '5x' for '--interval <DUR>': '5x': unknown time unit",
        ),
        (
            vec!["metrics", "--listen", "localhost:80"],
            "invalid value 'localhost:80' for '--listen <[ADDR:]PORT>'",
        ),
        (vec!["completions", "tcsh"], "invalid value 'tcsh'"),
    ] {
        cargo_bin_cmd!("vctx")
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(format!("error: {want}")));
    }
}
