//! The cgroup v2 side of contexts (issue 13, `Documentation/cgroups.rst`):
//! where the cgroup2 hierarchy is mounted, the directory a context's
//! cgroup gets (`<mount>/vctx/<path>`, or below `$VCTX_CGROUP_ROOT`),
//! binding it on demand, moving a process in before it enters, and
//! reading and writing the controllers' files.

use std::fs;
use std::io::{ErrorKind, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use vctx_lib::{Device, Errno};

/// The environment variable naming the directory (below a cgroup2 mount)
/// under which context cgroups are made, e.g. a delegated systemd unit's.
pub const ROOT_ENV: &str = "VCTX_CGROUP_ROOT";

/// Where the cgroup2 hierarchy is mounted (the first cgroup2 mount in
/// /proc/self/mountinfo; /sys/fs/cgroup if it is one).
pub fn mount_point() -> Option<PathBuf> {
    let info = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut found: Option<PathBuf> = None;
    for line in info.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        if right.split_whitespace().next() != Some("cgroup2") {
            continue;
        }
        let Some(dir) = left.split_whitespace().nth(4) else {
            continue;
        };
        let dir = PathBuf::from(unescape(dir));
        if dir == Path::new("/sys/fs/cgroup") {
            return Some(dir);
        }
        found.get_or_insert(dir);
    }
    found
}

/// Undoes mountinfo's octal escapes (`\040` for a space).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The cgroup2 mount, or the one-line error `vctx limit` and friends give.
pub fn require_mount() -> anyhow::Result<PathBuf> {
    mount_point().ok_or_else(|| {
        anyhow!(
            "cgroup2 is not mounted: mount it (mount -t cgroup2 -o nsdelegate none /sys/fs/cgroup) \
             to use cpu, mem, io and cpus limits"
        )
    })
}

/// The directory context cgroups go under: `$VCTX_CGROUP_ROOT` or
/// `<mount>/vctx`.
pub fn root(mount: &Path) -> PathBuf {
    match std::env::var_os(ROOT_ENV) {
        Some(r) if !r.is_empty() => PathBuf::from(r),
        _ => mount.join("vctx"),
    }
}

/// The directory of the cgroup the context at absolute `path` gets.
pub fn dir_for(root: &Path, path: &str) -> PathBuf {
    let mut d = root.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        d.push(part);
    }
    d
}

/// The directory of the cgroup `path` is in (its own or an ancestor's),
/// if any.
pub fn current_dir(device: &Device, path: &str) -> anyhow::Result<Option<(PathBuf, u64)>> {
    let Some(b) = device.cgroup_get(path).or_else(|e| match e.errno() {
        // A module without cgroups: nothing is bound.
        Some(Errno::ENOTTY) => Ok(None),
        _ => Err(e),
    })?
    else {
        return Ok(None);
    };
    let mount = require_mount()?;
    Ok(Some((mount.join(b.path.trim_start_matches('/')), b.holder)))
}

/// Reads a cgroup file, trimmed.
pub fn read(dir: &Path, file: &str) -> std::io::Result<String> {
    Ok(fs::read_to_string(dir.join(file))?.trim_end().to_owned())
}

/// Writes `line` to a cgroup file in one write(2), as the kernel wants.
pub fn write(dir: &Path, file: &str, line: &str) -> anyhow::Result<()> {
    let p = dir.join(file);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .map_err(|e| missing_file(&p, file, e))?;
    f.write_all(line.as_bytes()).map_err(|e| {
        anyhow!(
            "{}: cannot write '{}': {}",
            p.display(),
            line.trim_end(),
            describe(&e)
        )
    })
}

fn describe(e: &std::io::Error) -> String {
    e.raw_os_error().map_or_else(
        || e.to_string(),
        |n| vctx_lib::describe_errno(Errno::from_raw(n)),
    )
}

/// A missing interface file means a missing controller.
fn missing_file(p: &Path, file: &str, e: std::io::Error) -> anyhow::Error {
    if e.kind() == ErrorKind::NotFound {
        let ctrl = file.split('.').next().unwrap_or(file);
        anyhow!(
            "{}: the {ctrl} controller is not available there (not in the kernel, or not \
             enabled in the parent's cgroup.subtree_control)",
            p.display()
        )
    } else {
        anyhow!("{}: {}", p.display(), describe(&e))
    }
}

/// Makes `dir` and its missing parents below `top`, enabling every
/// controller the parent has for each new level (cgroup.subtree_control),
/// so limits can be set in `dir`.
/// On failure, the directories it made are removed again.
fn make_dirs(top: &Path, dir: &Path) -> anyhow::Result<()> {
    let mut made = Vec::new();
    let r = make_dirs_into(top, dir, &mut made);
    if r.is_err() {
        for d in made.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    r
}

fn make_dirs_into(top: &Path, dir: &Path, made: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let rel = dir.strip_prefix(top).unwrap_or(Path::new(""));
    let mut cur = top.to_path_buf();
    if !cur.exists() {
        let parent = cur.parent().map(Path::to_path_buf);
        fs::create_dir(&cur).with_context(|| format!("{}: cannot create", cur.display()))?;
        made.push(cur.clone());
        if let Some(p) = parent {
            enable_controllers(&p)?;
        }
    }
    for part in rel.components() {
        let parent = cur.clone();
        cur.push(part);
        // Controllers first: the new level gets them as it is made.
        enable_controllers(&parent)?;
        match fs::create_dir(&cur) {
            Ok(()) => made.push(cur.clone()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => bail!("{}: cannot create: {}", cur.display(), describe(&e)),
        }
    }
    Ok(())
}

/// Enables in `dir`'s cgroup.subtree_control every controller `dir` has
/// that is not enabled yet (the no-internal-process rule refuses it while
/// `dir` holds processes: said so).
fn enable_controllers(dir: &Path) -> anyhow::Result<()> {
    let have = read(dir, "cgroup.controllers").unwrap_or_default();
    let on = read(dir, "cgroup.subtree_control").unwrap_or_default();
    let want: Vec<String> = have
        .split_whitespace()
        .filter(|c| !on.split_whitespace().any(|o| o == *c))
        .map(|c| format!("+{c}"))
        .collect();
    if want.is_empty() {
        return Ok(());
    }
    write(dir, "cgroup.subtree_control", &want.join(" ")).map_err(|e| {
        if read(dir, "cgroup.procs").is_ok_and(|p| !p.is_empty()) {
            anyhow!(
                "{}: has processes of its own, so its children get no controllers (cgroup v2's \
                 no-internal-process rule): set a context's limits before starting processes in \
                 its parent, or give the parent's processes a child context",
                dir.display()
            )
        } else {
            e
        }
    })
}

/// The cgroup of process `pid` (its v2 path, as /proc/PID/cgroup gives it).
fn cgroup_of(pid: i32) -> Option<String> {
    let text = fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(str::to_owned)
}

/// The cgroup directory process `pid` is in now, to put it back with
/// [`move_back`] if a later step fails.
pub fn dir_of(pid: i32) -> Option<PathBuf> {
    let (mount, cg) = (mount_point()?, cgroup_of(pid)?);
    Some(mount.join(cg.trim_start_matches('/')))
}

/// Undoes [`move_before_enter`] for process `pid`: back into `dir`.
pub fn move_back(pid: i32, dir: &Path) {
    let _ = write(dir, "cgroup.procs", &pid.to_string());
}

/// Whether the cgroup of process `pid` is frozen (cgroup.events).
pub fn process_frozen(pid: i32) -> bool {
    let (Some(mount), Some(cg)) = (mount_point(), cgroup_of(pid)) else {
        return false;
    };
    let dir = mount.join(cg.trim_start_matches('/'));
    fs::read_to_string(dir.join("cgroup.events")).is_ok_and(|t| t.lines().any(|l| l == "frozen 1"))
}

/// Whether cgroup path `p` is `dir` or below it.
fn within(p: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    p == dir || dir.is_empty() || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Binds the context at absolute `path` to its own cgroup, making the
/// directory if need be, and moving its subtree's members in first.
/// Returns the directory. A context already bound keeps its cgroup.
pub fn ensure_bound(device: &Device, path: &str) -> anyhow::Result<PathBuf> {
    let mount = require_mount()?;
    let id = device.info(path)?.entry.id;
    if let Some((dir, holder)) = current_dir(device, path)? {
        if holder == id {
            return Ok(dir);
        }
    }
    if path == "/" {
        bail!("/: the root context (the host) has no cgroup of its own");
    }
    let top = root(&mount);
    let dir = dir_for(&top, path);
    make_dirs(&top, &dir)?;
    let rel = format!("/{}", dir.strip_prefix(&mount).unwrap_or(&dir).display());
    for _ in 0..3 {
        for p in device.pids(path, true)? {
            if cgroup_of(p.pid).is_some_and(|c| !within(&c, &rel)) {
                match write(&dir, "cgroup.procs", &p.pid.to_string()) {
                    Ok(()) => {}
                    // Gone meanwhile.
                    Err(_) if !Path::new(&format!("/proc/{}", p.pid)).exists() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let f = fs::File::open(&dir).with_context(|| dir.display().to_string())?;
        match device.cgroup_set(path, Some(f.as_fd())) {
            Ok(()) => return Ok(dir),
            // A member arrived or forked meanwhile: move again.
            Err(e) if e.errno() == Some(Errno::EBUSY) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    bail!(
        "{path}: members keep arriving outside {}; try again",
        dir.display()
    )
}

/// Before process `pid` (0: this one) enters `path`: moves it into the
/// context's cgroup, if it has one (the module checks it at ENTER).
pub fn move_before_enter(device: &Device, path: &str, pid: i32) -> anyhow::Result<()> {
    if let Some((dir, _)) = current_dir(device, path)? {
        let pid = if pid == 0 {
            std::process::id() as i32
        } else {
            pid
        };
        write(&dir, "cgroup.procs", &pid.to_string()).map_err(|e| {
            if read(&dir, "cgroup.subtree_control").is_ok_and(|c| !c.is_empty()) {
                anyhow!(
                    "{path}: its cgroup has child contexts with cgroups of their own, so it can \
                     hold no process itself (cgroup v2's no-internal-process rule): run the \
                     process in a child context"
                )
            } else {
                e.context(format!(
                    "{path}: cannot move pid {pid} into the context's cgroup"
                ))
            }
        })?;
    }
    Ok(())
}

/// Before this (single-threaded) process enters `path`, after
/// [`move_before_enter`] put it in the context's cgroup, and while it still
/// has the caller's capabilities: if the context is bound to a cgroup of its own,
/// makes it this process's cgroup namespace root, so that /proc/self/cgroup
/// reads "0::/" and cpu.max, memory.max are at the root of a cgroup2 mount
/// inside: joins the cgroup namespace the context holds, or creates one
/// and records it. Returns whether it did (the joins must then skip the
/// cgroup namespace of an ancestor).
pub fn own_namespace(device: &Device, path: &str) -> anyhow::Result<bool> {
    let me = path;
    let Some((_, holder)) = current_dir(device, me)? else {
        return Ok(false);
    };
    if device.info(me)?.entry.id != holder {
        return Ok(false);
    }
    let t = vctx_lib::NsType::by_name("cgroup").expect("a known type");
    if device.ns_get(me).is_ok_and(|ns| ns.own & t.bit() != 0) {
        // Held already: nsjoin joins it.
        return Ok(false);
    }
    if let Err(e) = nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWCGROUP) {
        if e == Errno::EPERM {
            // No CAP_SYS_ADMIN (a capability mask without it, inside a
            // context): the process stays in the cgroup namespace it has;
            // the module keeps it in its cgroup all the same.
            return Ok(false);
        }
        bail!("{path}: cannot make a cgroup namespace: {}", e.desc());
    }
    let f = fs::File::open("/proc/self/ns/cgroup").context("/proc/self/ns/cgroup")?;
    match device.ns_set(me, &[(t, f.as_fd())]) {
        // Another process recorded one first, or the context is sealed:
        // this one keeps its own namespace, rooted at the same cgroup.
        Ok(()) => {}
        Err(e) if matches!(e.errno(), Some(Errno::EBUSY | Errno::EPERM)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(true)
}

/// After `vctx destroy PATH`: removes the directory of its cgroup (if it
/// has one and no process is left in it), with the cgroups its members
/// made below it (a guest's systemd makes init.scope, system.slice, ...),
/// deepest first. Only that one: a parent directory is its parent
/// context's, which outlives it.
pub fn remove_dir(path: &str) {
    let Some(mount) = mount_point() else { return };
    let top = root(&mount);
    let dir = dir_for(&top, path);
    if dir != top && dir.starts_with(&top) {
        remove_tree(&dir);
    }
}

/// rmdir(2)s the cgroup `dir` after every cgroup below it; one still in
/// use (a process in it) stays, and so do its ancestors.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_paths() {
        let r = Path::new("/sys/fs/cgroup/vctx");
        assert_eq!(
            dir_for(r, "/web/db"),
            Path::new("/sys/fs/cgroup/vctx/web/db")
        );
        assert_eq!(dir_for(r, "/"), r);
    }

    #[test]
    fn within_paths() {
        assert!(within("/vctx/web", "/vctx/web"));
        assert!(within("/vctx/web/db", "/vctx/web"));
        assert!(!within("/vctx/webx", "/vctx/web"));
        assert!(!within("/", "/vctx/web"));
        assert!(within("/anything", "/"));
    }

    #[test]
    fn mountinfo_escapes() {
        assert_eq!(unescape("/a\\040b"), "/a b");
        assert_eq!(unescape("/plain"), "/plain");
    }
}
