//! Guests (issue 15): a named context plus a configuration that outlives
//! the command — a root directory with a system in it, booted with its own
//! init, entered, stopped, restarted when it reboots, started at boot.
//!
//! - [`config`]: the TOML schema (`/etc/vctx/guests/NAME.toml`);
//! - [`state`]: the run-time state (`/run/vctx/guests/NAME/`);
//! - [`supervise`]: the process that boots a guest and restarts it;
//! - [`network`]: its network (lo, a veth pair), set up for each boot.

pub mod config;
pub mod console;
pub mod network;
pub mod state;
pub mod supervise;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde::Serialize;
use vctx_lib::{Device, Errno};

use crate::spec::netspec::NetSpec;
use config::Config;
use supervise::context;

/// `vctx guest create`.
pub fn create(a: &CreateArgs) -> anyhow::Result<()> {
    config::check_name(&a.name)?;
    let file = config::file(&a.name);
    if file.exists() {
        bail!("{}: the guest exists already ({})", a.name, file.display());
    }
    let net = NetSpec::parse(&a.net).map_err(anyhow::Error::msg)?;
    let init: Vec<String> = match &a.init {
        Some(cmd) => cmd.split_whitespace().map(String::from).collect(),
        None => vec!["/sbin/init".to_owned()],
    };
    let cfg = Config {
        version: config::VERSION,
        root: a.root.clone(),
        hostname: a.hostname.clone(),
        init,
        namespaces: if a.ns.is_empty() {
            config::default_namespaces()
        } else {
            a.ns.clone()
        },
        caps: a.caps.clone(),
        limits: a.limits.clone(),
        net: net.to_string(),
        autostart: a.autostart,
        stop_signal: a.stop_signal.clone(),
        stop_timeout: "30s".to_owned(),
        console_log: None,
    };
    cfg.check().with_context(|| a.name.clone())?;
    let init0 = std::ffi::OsString::from(&cfg.init[0]);
    crate::sys::rootfs::check(&cfg.root, &init0)?;
    network::precheck(&a.name, &net).with_context(|| format!("{}: --net {net}", a.name))?;
    cfg.save(&a.name)?;
    println!("{}: created ({})", a.name, file.display());
    Ok(())
}

/// `vctx guest start NAME`: the supervisor, detached; returns once the
/// guest's init runs (or says why it did not).
pub fn start(name: &str) -> anyhow::Result<()> {
    let cfg = Config::load(name)?;
    if let Some(pid) = state::supervisor(name) {
        bail!("{name}: already running (supervisor pid {pid}); 'vctx guest stop {name}' first");
    }
    crate::sys::rootfs::check(&cfg.root, std::ffi::OsStr::new(&cfg.init[0]))
        .with_context(|| name.to_owned())?;
    network::precheck(name, &cfg.net_spec()?)
        .with_context(|| format!("{name}: net {}", cfg.net))?;
    let device = Device::open()?;
    if let Ok(pids) = device.pids(&context(name), true) {
        if !pids.is_empty() {
            bail!(
                "{name}: its context {} has processes already (not this guest's: see 'vctx ps {}')",
                context(name),
                context(name)
            );
        }
    }
    drop(device);
    let _ = std::fs::remove_file(state::dir(name).join("state"));
    let _ = std::fs::remove_file(state::stopping_mark(name));
    let mut cmd = Command::new("/proc/self/exe");
    cmd.args(["guest", "supervise", name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid(2) only, async-signal-safe: the supervisor leaves this
    // session (a terminal's hangup does not reach it).
    unsafe {
        cmd.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            Ok(())
        });
    }
    let mut sup = cmd.spawn().context("starting the supervisor")?;
    let log = cfg.console_log(name);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rec = state::read(name);
        match rec.get("status").map(String::as_str) {
            Some("running") if rec.contains_key("init_pid") => {
                println!(
                    "{name}: running (init pid {}, console {})",
                    rec["init_pid"],
                    log.display()
                );
                return Ok(());
            }
            Some("stopped") => {
                let _ = sup.wait();
                bail!(
                    "{name}: did not start: {} (console: {})",
                    rec.get("end").map_or("unknown", String::as_str),
                    log.display()
                );
            }
            _ => {}
        }
        if Instant::now() > deadline {
            bail!(
                "{name}: its init did not start within 20 s (console: {})",
                log.display()
            );
        }
        if let Some(st) = sup.try_wait()? {
            if !state::read(name).contains_key("status") {
                bail!("{name}: the supervisor ended at once ({st})");
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `vctx guest start --all`: every guest with autostart = true that is not
/// running; goes on past a failure and reports them all.
pub fn start_all() -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for name in Config::names()? {
        match Config::load(&name) {
            Ok(cfg) if cfg.autostart && state::supervisor(&name).is_none() => {
                if let Err(e) = start(&name) {
                    eprintln!("vctx: {e:#}");
                    failed.push(name);
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("vctx: {e:#}");
                failed.push(name);
            }
        }
    }
    if !failed.is_empty() {
        bail!("guests not started: {}", failed.join(", "));
    }
    Ok(())
}

/// `vctx guest stop NAME`: the init's shutdown signal, the grace, KILL.
pub fn stop(name: &str, timeout: Option<Duration>) -> anyhow::Result<()> {
    let cfg = Config::load(name)?;
    let Some(sup) = state::supervisor(name) else {
        bail!("{name}: not running");
    };
    let grace = match timeout {
        Some(t) => t,
        None => crate::spec::duration::parse(&cfg.stop_timeout).map_err(anyhow::Error::msg)?,
    };
    std::fs::write(state::stopping_mark(name), "")?;
    let device = Device::open()?;
    let path = context(name);
    let sig = cfg.stop_signal();
    match supervise::init_pid(&device, &path) {
        Some(init) => {
            // The raw number: nix's Signal has no realtime signals
            // (systemd's RTMIN+4).
            // SAFETY: kill(2) with plain integers; no memory is involved.
            if unsafe { nix::libc::kill(init, sig as i32) } != 0 {
                let e = Errno::last();
                if e != Errno::ESRCH {
                    bail!("{name}: sending its init signal {sig}: {}", e.desc());
                }
            }
        }
        None => {
            let _ = device.kill(&path, sig, None);
        }
    }
    let gone = |limit: Duration| {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if state::supervisor(name) != Some(sup) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let mut killed = false;
    if !gone(grace) {
        killed = true;
        match device.kill(&path, nix::libc::SIGKILL as u32, None) {
            Ok(_) => {}
            Err(e) if e.errno() == Some(Errno::ENOENT) => {}
            Err(e) => return Err(e.into()),
        }
        if !gone(Duration::from_secs(10)) {
            bail!("{name}: still running after SIGKILL (supervisor pid {sup})");
        }
    }
    // The supervisor took the guest's veth pair down after its init ended;
    // one it could not (killed itself) goes here.
    if let Err(e) = network::teardown(name, &cfg.net_spec()?) {
        eprintln!("vctx: {name}: {e:#}");
    }
    let rec = state::read(name);
    println!(
        "{name}: stopped ({}{})",
        rec.get("end").map_or("ended", String::as_str),
        if killed {
            format!(", killed after {}", humantime::format_duration(grace))
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `vctx guest enter NAME [CMD...]`: `vctx exec /NAME -- CMD` with the
/// guest's clean environment (a login shell by default).
pub fn enter(name: &str, command: &[String]) -> anyhow::Result<()> {
    Config::load(name)?;
    if state::supervisor(name).is_none() {
        bail!("{name}: not running ('vctx guest start {name}')");
    }
    let cmd: Vec<String> = if command.is_empty() {
        vec!["/bin/sh".into(), "-l".into()]
    } else {
        command.to_vec()
    };
    let mut c = Command::new("/proc/self/exe");
    c.arg("exec")
        .arg(context(name))
        .arg("--")
        .args(&cmd)
        .env_clear()
        .envs(supervise::ENV.iter().filter(|(k, _)| *k != "TERM").copied());
    c.env(
        "TERM",
        std::env::var("TERM").unwrap_or_else(|_| "linux".into()),
    );
    let err = c.exec();
    Err(anyhow::anyhow!("vctx exec: {err}"))
}

#[derive(Debug, Serialize)]
struct StatusDoc {
    format_version: u32,
    name: String,
    status: String,
    root: String,
    context: String,
    init_pid: Option<i32>,
    supervisor_pid: Option<i32>,
    uptime_s: Option<u64>,
    boots: Option<u32>,
    processes: Option<u64>,
    rss_bytes: Option<u64>,
    last_end: Option<String>,
    autostart: bool,
    net: network::NetStatus,
}

fn status_doc(name: &str) -> anyhow::Result<StatusDoc> {
    let cfg = Config::load(name)?;
    let rec = state::read(name);
    let sup = state::supervisor(name);
    let path = context(name);
    let device = Device::open().ok();
    let stat = match (&device, sup) {
        (Some(d), Some(_)) => d.stat(&path, false).ok(),
        _ => None,
    };
    let init = match (&device, sup) {
        (Some(d), Some(_)) => supervise::init_pid(d, &path),
        _ => None,
    };
    let net = network::status(
        device.as_ref().filter(|_| sup.is_some()),
        name,
        &path,
        &cfg.net_spec()?,
    );
    Ok(StatusDoc {
        format_version: 1,
        name: name.to_owned(),
        status: if sup.is_some() { "running" } else { "stopped" }.to_owned(),
        root: cfg.root.display().to_string(),
        context: path,
        init_pid: init,
        supervisor_pid: sup,
        uptime_s: stat.as_ref().map(|s| s.uptime_ns() / 1_000_000_000),
        boots: rec.get("boots").and_then(|b| b.parse().ok()),
        processes: stat.as_ref().map(|s| s.subtree.processes),
        rss_bytes: stat.as_ref().map(|s| s.subtree.rss_bytes),
        last_end: rec.get("end").cloned(),
        autostart: cfg.autostart,
        net,
    })
}

/// `vctx guest status NAME`.
pub fn status(name: &str, json: bool) -> anyhow::Result<()> {
    let d = status_doc(name)?;
    if json {
        return crate::view::output::json(&d);
    }
    let mut out = format!("{}: {}\n  root        {}\n", d.name, d.status, d.root);
    if let Some(p) = d.init_pid {
        out.push_str(&format!("  init pid    {p} (PID 1 inside)\n"));
    }
    if let Some(u) = d.uptime_s {
        out.push_str(&format!(
            "  uptime      {}\n",
            humantime::format_duration(Duration::from_secs(u))
        ));
    }
    if let Some(p) = d.processes {
        out.push_str(&format!("  processes   {p}\n"));
    }
    if let Some(r) = d.rss_bytes {
        out.push_str(&format!("  memory      {}\n", crate::view::human::size(r)));
    }
    if let Some(b) = d.boots {
        out.push_str(&format!("  boots       {b}\n"));
    }
    out.push_str(&format!("  network     {}\n", d.net.mode));
    for (side, st) in [("host end", &d.net.host), ("inside", &d.net.guest)] {
        if let Some(i) = st {
            out.push_str(&format!(
                "  {side:<11} {} {}{}{}\n",
                i.name,
                if i.up { "up" } else { "down" },
                i.bridge
                    .as_ref()
                    .map_or(String::new(), |b| format!(", port of {b}")),
                if i.addresses.is_empty() {
                    String::new()
                } else {
                    format!(", {}", i.addresses.join(" "))
                }
            ));
        }
    }
    if let Some(e) = &d.last_end {
        out.push_str(&format!("  last end    {e}\n"));
    }
    Ok(crate::view::output::text(&out)?)
}

/// `vctx guest list`.
pub fn list(json: bool) -> anyhow::Result<()> {
    let docs: Vec<StatusDoc> = Config::names()?
        .iter()
        .map(|n| status_doc(n))
        .collect::<anyhow::Result<_>>()?;
    if json {
        #[derive(Serialize)]
        struct ListDoc {
            format_version: u32,
            guests: Vec<StatusDoc>,
        }
        return crate::view::output::json(&ListDoc {
            format_version: 1,
            guests: docs,
        });
    }
    let mut out = String::from("NAME                 STATUS   INIT   AUTOSTART  ROOT\n");
    for d in docs {
        out.push_str(&format!(
            "{:<20} {:<8} {:<6} {:<10} {}\n",
            d.name,
            d.status,
            d.init_pid.map_or("-".to_owned(), |p| p.to_string()),
            if d.autostart { "yes" } else { "no" },
            d.root
        ));
    }
    Ok(crate::view::output::text(&out)?)
}

/// `vctx guest destroy NAME`: its configuration and state go; its root
/// directory stays.
pub fn destroy(name: &str) -> anyhow::Result<()> {
    Config::load(name)?;
    if let Some(pid) = state::supervisor(name) {
        bail!("{name}: running (supervisor pid {pid}); 'vctx guest stop {name}' first");
    }
    if let Ok(device) = Device::open() {
        match device.destroy(&context(name)) {
            Ok(()) => {}
            Err(e) if e.errno() == Some(Errno::ENOENT) => {}
            Err(e) => bail!("{name}: its context cannot go: {e}"),
        }
    }
    if let Ok(cfg) = Config::load(name) {
        if let Ok(spec) = cfg.net_spec() {
            let _ = network::teardown(name, &spec);
        }
    }
    let file = config::file(name);
    std::fs::remove_file(&file).with_context(|| file.display().to_string())?;
    let _ = std::fs::remove_dir_all(state::dir(name));
    println!("{name}: destroyed (its root directory stays)");
    Ok(())
}

/// `vctx guest supervise NAME`: the supervisor in the foreground.
pub fn supervise(name: &str) -> anyhow::Result<()> {
    let cfg = Config::load(name)?;
    if let Some(pid) = state::supervisor(name) {
        if pid != std::process::id() as i32 {
            bail!("{name}: already running (supervisor pid {pid})");
        }
    }
    supervise::run(name, &cfg)
}

/// `vctx guest create`'s arguments: here, not in `commands/guest.rs`,
/// because [`create`] reads them and the guest layer sits below the commands.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The guest's name (its context is /NAME)
    pub name: String,
    /// Its root directory (absolute, with its init in it)
    #[arg(long, value_name = "DIR")]
    pub root: PathBuf,
    /// Its host name (default: its name)
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Its namespaces (pid and mnt are required; default
    /// uts,ipc,pid,net,mnt,user,cgroup)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub ns: Vec<String>,
    /// Its capability mask, as for 'vctx create --caps'
    #[arg(long, value_name = "LIST", default_value = "default")]
    pub caps: String,
    /// A limit, as for 'vctx limit' (KEY=VALUE; repeatable)
    #[arg(long = "limit", value_name = "KEY=VALUE")]
    pub limits: Vec<String>,
    /// Its init command line (default: /sbin/init)
    #[arg(long, value_name = "CMD")]
    pub init: Option<String>,
    /// Its network: none (a network namespace of its own with lo only),
    /// host (the host's), or veth[:BRIDGE][,ip=ADDR/PREFIX][,gw=ADDR]
    /// [,host=ADDR/PREFIX]: a veth pair, eth0 inside with that address and
    /// default route, the host end vx-NAME a port of BRIDGE (which must
    /// exist) or, routed, with the address host=
    #[arg(long, value_name = "MODE", default_value = "none")]
    pub net: String,
    /// The signal stop sends its init (default: by the init: USR2 for
    /// busybox, RTMIN+4 for systemd, TERM otherwise)
    #[arg(long, value_name = "SIG")]
    pub stop_signal: Option<String>,
    /// Start it with 'vctx guest start --all' (at boot)
    #[arg(long)]
    pub autostart: bool,
}
