//! The `vctx` binary on a host without the module: usage errors, the
//! "module not loaded" path, and errors from a device that is not vctx.

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const NOT_LOADED: &str = "vctx: module not loaded: run 'insmod vctx.ko' (or 'modprobe vctx')\n";

/// `vctx` with its device pointed at `device`.
fn vctx_at(device: &str) -> Command {
    let mut cmd = cargo_bin_cmd!("vctx");
    cmd.env("VCTX_DEVICE", device);
    cmd
}

/// `vctx` with no device at all.
fn vctx() -> Command {
    vctx_at("/nonexistent/vctx")
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    vctx().arg("frobnicate").assert().code(2).stdout("").stderr(
        predicate::str::contains("unrecognized subcommand").and(predicate::str::contains("Usage:")),
    );
}

#[test]
fn no_subcommand_is_a_usage_error() {
    vctx()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage:"));
}

#[test]
fn version_without_module() {
    vctx()
        .arg("version")
        .assert()
        .code(1)
        .stdout(format!("vctx {} (abi 1)\n", env!("CARGO_PKG_VERSION")))
        .stderr(NOT_LOADED);
}

#[test]
fn version_json_without_module_prints_no_document() {
    vctx()
        .args(["version", "--json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(NOT_LOADED);
}

#[test]
fn every_device_command_needs_the_module() {
    let commands: &[&[&str]] = &[
        &["ls"],
        &["tree", "/a"],
        &["info", "/a"],
        &["current"],
        &["create", "-p", "/a/b"],
        &["destroy", "/a"],
        &["rename", "/a", "b"],
        &["enter", "/a", "--pid", "1"],
        &["ps"],
        &["kill", "/a"],
        &["wait", "--timeout", "1s", "/a"],
        &["exec", "/a", "--", "true"],
        &["stat", "/a"],
        &["limit", "/a"],
        &["limit", "/a", "nproc=3"],
        &["events"],
        &["top", "--once"],
    ];
    for args in commands {
        vctx()
            .args(*args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(NOT_LOADED);
    }
}

#[test]
fn help_documents_the_device_override() {
    vctx()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("VCTX_DEVICE"));
}

#[test]
fn cli_version_flag() {
    vctx()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("vctx {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let bad: &[&[&str]] = &[
        &["kill", "--signal", "BOGUS", "/a"],
        &["kill", "--grace", "5s", "/a"],
        &["kill", "--grace", "5parsecs", "--then", "KILL", "/a"],
        &["wait", "--timeout", "soon", "/a"],
        &["enter", "/a", "--pid", "0"],
        &["exec", "--hostname", "web1", "/a", "--", "true"],
        &["exec", "--ns", "uts", "--no-ns", "/a", "--", "true"],
        &["flags"],
        &["exec", "/a"],
        &["rename", "/a"],
        &["stat"],
        &["limit", "/a", "nproc=lots"],
        &["limit", "/a", "rss=1.5G"],
        &["limit", "/a", "cpu=1"],
        &["top", "--sort", "mem"],
        &["top", "--interval", "soon"],
        &["stat", "--window", "x", "/a"],
    ];
    for args in bad {
        vctx().args(*args).assert().code(2).stdout("");
    }
}

/// /dev/null opens but answers every ioctl with ENOTTY: the request is
/// really issued and the failure is reported on one line naming the path.
#[test]
fn ioctl_errors_name_the_path_on_one_line() {
    vctx_at("/dev/null")
        .args(["info", "web/app/"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "vctx: /web/app: request not supported by the module (is it older than this tool?)\n",
        );
}

#[test]
fn client_side_name_check() {
    vctx_at("/dev/null")
        .args(["rename", "/a", "b/c"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("vctx: b/c: invalid name"));
}

/// The accounting requests are really issued (ENOTTY from /dev/null) and
/// fail on one line naming the path.
#[test]
fn accounting_errors_name_the_path() {
    for args in [
        &["stat", "web"][..],
        &["limit", "/web"],
        &["limit", "/web", "rss=1G"],
        &["top", "--once", "--interval", "10ms", "/web"],
    ] {
        vctx_at("/dev/null")
            .args(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                "vctx: /web: request not supported by the module (is it older than this tool?)\n",
            );
    }
}

#[test]
fn limit_refuses_a_resource_given_twice() {
    vctx_at("/dev/null")
        .args(["limit", "/a", "nproc=1", "nproc=max"])
        .assert()
        .code(1)
        .stderr("vctx: /a: nproc is given twice\n");
}

/// /dev/null polls readable and reads 0 bytes: no events, a clean exit.
#[test]
fn events_on_a_device_with_nothing_to_read() {
    vctx_at("/dev/null")
        .args(["events", "--json"])
        .assert()
        .success()
        .stdout("");
}
