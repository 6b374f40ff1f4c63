//! Plain Rust views of what the ioctls take and return.

use crate::abi;
use crate::accounting::FinalRecord;
use crate::strings::from_c_name;

/// What the module speaks (VCTX_IOC_VERSION).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub abi_version: u32,
    /// VCTX_FEAT_* bits; see [`crate::feature_names`].
    pub features: u64,
    pub name_max: u32,
    pub path_max: u32,
    pub depth_max: u32,
}

/// How to create a context (VCTX_IOC_CREATE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Create missing parents (VCTX_CREATE_PARENTS).
    pub parents: bool,
    /// An existing context is not an error (VCTX_CREATE_EXIST_OK).
    pub exist_ok: bool,
    /// The path names the parent; the module picks the name (VCTX_CREATE_AUTONAME).
    pub autoname: bool,
    /// Destroy the context when it empties (VCTX_CTX_EPHEMERAL).
    pub ephemeral: bool,
    /// Sees every process in /proc (VCTX_CTX_SPECTATOR).
    pub spectator: bool,
    /// Shows the host's /proc views, not its own (VCTX_CTX_NOVIRT; inherited).
    pub novirt: bool,
    /// The new context's capability mask (VCTX_CREATE_CAPS; intersected with
    /// the parent's). `None`: all of the parent's.
    pub caps: Option<u64>,
}

impl CreateOptions {
    pub(crate) fn flags(self) -> u32 {
        let mut flags = 0;
        if self.parents {
            flags |= abi::VCTX_CREATE_PARENTS;
        }
        if self.exist_ok {
            flags |= abi::VCTX_CREATE_EXIST_OK;
        }
        if self.autoname {
            flags |= abi::VCTX_CREATE_AUTONAME;
        }
        if self.caps.is_some() {
            flags |= abi::VCTX_CREATE_CAPS;
        }
        flags
    }

    pub(crate) fn ctx_flags(self) -> u32 {
        let mut flags = 0;
        if self.ephemeral {
            flags |= abi::VCTX_CTX_EPHEMERAL;
        }
        if self.spectator {
            flags |= abi::VCTX_CTX_SPECTATOR;
        }
        if self.novirt {
            flags |= abi::VCTX_CTX_NOVIRT;
        }
        flags
    }
}

/// The context VCTX_IOC_CREATE made (or found, with `exist_ok`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: u64,
    pub name: String,
}

/// One context as the caller sees it (`struct vctx_entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    /// `None` for the caller's own root (VCTX_ID_NONE).
    pub parent_id: Option<u64>,
    /// VCTX_CTX_* bits; see [`crate::ctx_flag_names`].
    pub flags: u32,
    /// 0 for the context a listing starts at.
    pub depth: u32,
    /// CLOCK_BOOTTIME at creation.
    pub created_ns: u64,
    pub children: u32,
    /// Processes whose context this is.
    pub processes: u32,
    /// Their threads.
    pub threads: u32,
    /// Processes here and in all descendants.
    pub subtree_processes: u32,
    /// Processes that ever joined.
    pub total_processes: u64,
    /// "" for the caller's own root.
    pub name: String,
    /// The capability mask (0 from a module without VCTX_FEAT_CAPS).
    pub caps: u64,
}

impl From<&abi::vctx_entry> for Entry {
    fn from(e: &abi::vctx_entry) -> Self {
        Entry {
            id: e.id,
            parent_id: (e.parent_id != abi::VCTX_ID_NONE).then_some(e.parent_id),
            flags: e.flags,
            depth: e.depth,
            created_ns: e.created_ns,
            children: e.nr_children,
            processes: e.nr_processes,
            threads: e.nr_threads,
            subtree_processes: e.subtree_processes,
            total_processes: e.total_processes,
            name: from_c_name(&e.name),
            caps: e.caps,
        }
    }
}

/// VCTX_IOC_INFO: a context and its path as the caller names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub path: String,
    pub entry: Entry,
}

/// One member process (`struct vctx_pid_entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidEntry {
    pub pid: i32,
    pub threads: u32,
    pub ctx_id: u64,
}

impl From<&abi::vctx_pid_entry> for PidEntry {
    fn from(p: &abi::vctx_pid_entry) -> Self {
        PidEntry {
            pid: p.pid,
            threads: p.nr_threads,
            ctx_id: p.ctx_id,
        }
    }
}

/// What VCTX_IOC_KILL did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KillReport {
    /// Processes sent the first signal.
    pub signalled: u32,
    /// Processes sent the escalation signal after the grace period.
    pub escalated: u32,
}

/// What VCTX_IOC_WAIT reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitReport {
    pub id: u64,
    /// From creation until it emptied (or now).
    pub lifetime_ns: u64,
    pub total_processes: u64,
    /// The subtree's lifetime totals, peaks and failures (all zero from a
    /// module without VCTX_FEAT_ACCOUNTING).
    pub record: FinalRecord,
    /// Why it last ended: 0, or VCTX_EVENT_REBOOT / VCTX_EVENT_HALT
    /// (VCTX_FEAT_REBOOT; 0 from an older module).
    pub reason: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_from_abi() {
        let mut raw = abi::vctx_entry {
            id: 5,
            parent_id: abi::VCTX_ID_NONE,
            flags: abi::VCTX_CTX_EPHEMERAL,
            depth: 1,
            created_ns: 42,
            nr_children: 2,
            nr_processes: 3,
            nr_threads: 4,
            subtree_processes: 6,
            total_processes: 7,
            ..Default::default()
        };
        raw.name[..3].copy_from_slice(&[b'w' as _, b'e' as _, b'b' as _]);
        let e = Entry::from(&raw);
        assert_eq!(e.parent_id, None);
        assert_eq!(e.name, "web");
        assert_eq!(
            (e.children, e.processes, e.threads, e.subtree_processes),
            (2, 3, 4, 6)
        );
        raw.parent_id = 0;
        assert_eq!(Entry::from(&raw).parent_id, Some(0));
    }

    #[test]
    fn create_flags() {
        let all = CreateOptions {
            parents: true,
            exist_ok: true,
            autoname: true,
            ephemeral: true,
            spectator: true,
            novirt: true,
            caps: Some(0),
        };
        assert_eq!(all.flags(), abi::VCTX_CREATE_FLAGS);
        assert_eq!(all.ctx_flags(), abi::VCTX_CTX_SETTABLE);
        assert_eq!(CreateOptions::default().flags(), 0);
        assert_eq!(CreateOptions::default().ctx_flags(), 0);
    }
}
