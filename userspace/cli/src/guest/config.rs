//! A guest's configuration: `/etc/vctx/guests/NAME.toml` (`$VCTX_ETC`
//! moves `/etc/vctx`), a versioned TOML schema read with serde
//! (`Documentation/guests.rst`). Unknown keys and other versions are
//! refused, so a typo never silently means a default.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use crate::spec::netspec::NetSpec;

/// The schema version this tool reads and writes.
pub const VERSION: u32 = 1;

/// One guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The schema version (1).
    pub version: u32,
    /// The guest's root directory (absolute).
    pub root: PathBuf,
    /// Its host name (its own uts namespace); default: its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Its init and arguments, run as PID 1 of its pid namespace.
    #[serde(default = "default_init")]
    pub init: Vec<String>,
    /// The namespaces it gets (pid and mnt always).
    #[serde(default = "default_namespaces")]
    pub namespaces: Vec<String>,
    /// Its capability mask, as for `vctx create --caps`.
    #[serde(default = "default_caps")]
    pub caps: String,
    /// Its limits, as for `vctx limit` (KEY=VALUE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
    /// Its network: "none" (a network namespace with only lo), "host"
    /// (the host's) or "veth[:BRIDGE][,ip=ADDR/PREFIX][,gw=ADDR]
    /// [,host=ADDR/PREFIX]" (a veth pair, `crate::spec::netspec`).
    #[serde(default = "default_net")]
    pub net: String,
    /// Started by `vctx guest start --all` (and the systemd unit at boot).
    #[serde(default)]
    pub autostart: bool,
    /// The signal `stop` sends its init (default: by the init, see
    /// [`Config::stop_signal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// How long `stop` waits for it before SIGKILL (e.g. 30s).
    #[serde(default = "default_stop_timeout")]
    pub stop_timeout: String,
    /// Where its console (init's stdout and stderr) is logged; default
    /// `/var/log/vctx/guests/NAME.log` (`$VCTX_RUN`'s parent in tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console_log: Option<PathBuf>,
}

fn default_init() -> Vec<String> {
    vec!["/sbin/init".to_owned()]
}

pub fn default_namespaces() -> Vec<String> {
    ["uts", "ipc", "pid", "net", "mnt", "user", "cgroup"]
        .map(String::from)
        .into()
}

fn default_caps() -> String {
    "default".to_owned()
}

fn default_net() -> String {
    "none".to_owned()
}

fn default_stop_timeout() -> String {
    "30s".to_owned()
}

/// The directory of the configurations: `$VCTX_ETC/guests`, default
/// `/etc/vctx/guests`.
pub fn dir() -> PathBuf {
    std::env::var_os("VCTX_ETC")
        .map_or_else(|| PathBuf::from("/etc/vctx"), PathBuf::from)
        .join("guests")
}

/// The file of guest `name`.
pub fn file(name: &str) -> PathBuf {
    dir().join(format!("{name}.toml"))
}

/// Refuses a name that is not a valid context name (1 to 63 bytes of
/// [A-Za-z0-9._-], not "." or "..").
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = (1..=63).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !ok {
        bail!("'{name}': not a valid guest name (1 to 63 bytes of A-Z a-z 0-9 . _ -)");
    }
    Ok(())
}

impl Config {
    /// Parses and checks a configuration's text (`what` names it in errors).
    pub fn parse(text: &str, what: &str) -> anyhow::Result<Config> {
        // The version first: another version's keys are not this one's.
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<toml::Value>,
        }
        let v: Versioned = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{what}: {}", one_line(&e.to_string())))?;
        match v.version {
            Some(toml::Value::Integer(n)) if n == i64::from(VERSION) => {}
            Some(other) => {
                bail!(
                    "{what}: version {other} is not supported (this vctx reads version {VERSION})"
                )
            }
            None => bail!("{what}: no 'version' key (version = {VERSION})"),
        }
        let cfg: Config = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{what}: {}", one_line(&e.to_string())))?;
        cfg.check().with_context(|| what.to_owned())?;
        Ok(cfg)
    }

    /// Checks what the type does not: the values.
    pub fn check(&self) -> anyhow::Result<()> {
        if !self.root.is_absolute() {
            bail!("root {}: not an absolute path", self.root.display());
        }
        if self.init.is_empty() || self.init[0].is_empty() {
            bail!("init: empty");
        }
        crate::sys::nsjoin::parse_types(&self.namespaces)?;
        for need in ["pid", "mnt"] {
            if !self.namespaces.iter().any(|n| n == need) {
                bail!("namespaces: a guest needs '{need}'");
            }
        }
        crate::spec::capspec::parse_list(&self.caps).context("caps")?;
        for l in &self.limits {
            crate::spec::limitspec::parse(l).map_err(|e| anyhow::anyhow!("limits: {e}"))?;
        }
        let net = self.net_spec()?;
        if net.own_namespace() && !self.namespaces.iter().any(|n| n == "net") {
            if let NetSpec::Veth(_) = net {
                bail!(
                    "net '{}': a veth network needs the 'net' namespace",
                    self.net
                );
            }
        }
        if let Some(s) = &self.stop_signal {
            crate::spec::signal::parse(s).map_err(|e| anyhow::anyhow!("stop_signal: {e}"))?;
        }
        crate::spec::duration::parse(&self.stop_timeout)
            .map_err(|e| anyhow::anyhow!("stop_timeout: {e}"))?;
        if let Some(h) = &self.hostname {
            if h.is_empty() || h.len() > 64 {
                bail!("hostname '{h}': 1 to 64 bytes");
            }
        }
        Ok(())
    }

    /// Its network, parsed (`check` has refused what does not parse).
    pub fn net_spec(&self) -> anyhow::Result<NetSpec> {
        NetSpec::parse(&self.net)
            .map_err(|e| anyhow::anyhow!("net: {}", e.trim_start_matches("--net ")))
    }

    /// Reads guest `name`'s configuration.
    pub fn load(name: &str) -> anyhow::Result<Config> {
        check_name(name)?;
        let path = file(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!(
                    "{name}: no such guest (no {}; see 'vctx guest list')",
                    path.display()
                )
            }
            Err(e) => bail!("{}: {e}", path.display()),
        };
        Config::parse(&text, &path.display().to_string())
    }

    /// Writes it as guest `name`'s configuration (atomically: a temporary
    /// file renamed into place).
    pub fn save(&self, name: &str) -> anyhow::Result<()> {
        let path = file(name);
        let dir = dir();
        std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
        let text = format!(
            "# vctx guest '{name}' (Documentation/guests.rst)\n{}",
            toml::to_string(self).context("serializing the configuration")?
        );
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).with_context(|| tmp.display().to_string())?;
        std::fs::rename(&tmp, &path).with_context(|| path.display().to_string())?;
        Ok(())
    }

    /// The names of every configured guest, sorted.
    pub fn names() -> anyhow::Result<Vec<String>> {
        let dir = dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => bail!("{}: {e}", dir.display()),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                let stem = name.strip_suffix(".toml")?;
                check_name(stem).ok().map(|()| stem.to_owned())
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// The signal `stop` sends: the configured one, else by the init:
    /// busybox init powers off on SIGUSR2 (SIGTERM means reboot to it),
    /// systemd on SIGRTMIN+4, sysvinit-style inits on SIGTERM.
    pub fn stop_signal(&self) -> u32 {
        if let Some(s) = &self.stop_signal {
            return crate::spec::signal::parse(s).unwrap_or(15);
        }
        match init_kind(&self.root, &self.init[0]) {
            InitKind::Busybox => nix::libc::SIGUSR2 as u32,
            // Power-off (RTMIN+5 would be reboot).
            InitKind::Systemd => crate::spec::signal::RTMIN + 4,
            InitKind::Other => nix::libc::SIGTERM as u32,
        }
    }

    /// The console log file of guest `name`.
    pub fn console_log(&self, name: &str) -> PathBuf {
        self.console_log
            .clone()
            .unwrap_or_else(|| crate::guest::state::log_dir().join(format!("{name}.log")))
    }
}

/// What kind of init a guest runs (for its shutdown signal).
#[derive(Debug, PartialEq, Eq)]
pub enum InitKind {
    Busybox,
    Systemd,
    Other,
}

/// Looks at where the init resolves inside the root (symbolic links
/// followed within it): busybox, systemd or something else.
pub fn init_kind(root: &Path, init: &str) -> InitKind {
    let mut path = PathBuf::from(init);
    for _ in 0..8 {
        let inside = root.join(path.strip_prefix("/").unwrap_or(&path));
        match std::fs::read_link(&inside) {
            Ok(target) if target.is_absolute() => path = target,
            Ok(target) => path = path.parent().unwrap_or(Path::new("/")).join(target),
            Err(_) => break,
        }
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        "busybox" => InitKind::Busybox,
        "systemd" => InitKind::Systemd,
        _ => InitKind::Other,
    }
}

/// toml's messages span lines (a snippet of the input); the first line and
/// the reason suffice for one line.
fn one_line(msg: &str) -> String {
    let lines: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if lines.len() > 1 => {
            format!(
                "{first} {}",
                last.trim_start_matches(['|', '^', ' ']).trim()
            )
        }
        (Some(first), _) => (*first).to_owned(),
        _ => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "version = 1\nroot = \"/srv/web\"\nhostname = \"web\"\nlimits = [\"nproc=50\"]\n";

    #[test]
    fn parses_with_defaults() {
        let c = Config::parse(GOOD, "t").unwrap();
        assert_eq!(c.init, ["/sbin/init"]);
        assert_eq!(c.namespaces, default_namespaces());
        assert_eq!((c.net.as_str(), c.autostart), ("none", false));
        let again = Config::parse(&toml::to_string(&c).unwrap(), "t").unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn refuses_unknown_keys_and_versions() {
        let e = Config::parse(&format!("{GOOD}colour = \"red\"\n"), "t").unwrap_err();
        assert!(format!("{e:#}").contains("unknown field `colour`"), "{e:#}");
        assert!(!format!("{e:#}").contains('\n'));
        let e = Config::parse("version = 2\nroot = \"/x\"\n", "t").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t: version 2 is not supported (this vctx reads version 1)"
        );
        let e = Config::parse("root = \"/x\"\n", "t").unwrap_err();
        assert!(e.to_string().contains("no 'version' key"));
        let e = Config::parse("version = 1\nroot = \"x\"\n", "t").unwrap_err();
        assert!(format!("{e:#}").contains("not an absolute path"));
        let e =
            Config::parse("version = 1\nroot = \"/x\"\nlimits = [\"bogus=1\"]\n", "t").unwrap_err();
        assert!(format!("{e:#}").contains("limits:"));
        let e =
            Config::parse("version = 1\nroot = \"/x\"\nnamespaces = [\"uts\"]\n", "t").unwrap_err();
        assert!(format!("{e:#}").contains("needs 'pid'"));
        let e = Config::parse(
            "version = 1\nroot = \"/x\"\nnet = \"veth,ip=10.0.0.1/40\"\n",
            "t",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("net: ip=10.0.0.1/40: prefix length"),
            "{e:#}"
        );
        let e = Config::parse(
            "version = 1\nroot = \"/x\"\nnet = \"veth\"\nnamespaces = [\"pid\", \"mnt\"]\n",
            "t",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("needs the 'net' namespace"),
            "{e:#}"
        );
        let c = Config::parse(
            "version = 1\nroot = \"/x\"\nnet = \"veth:br0,ip=10.0.0.2/24\"\n",
            "t",
        )
        .unwrap();
        assert!(matches!(c.net_spec().unwrap(), NetSpec::Veth(_)));
    }

    #[test]
    fn names() {
        assert!(check_name("web-1.example").is_ok());
        for bad in ["", ".", "..", "a/b", "a b", &"x".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
