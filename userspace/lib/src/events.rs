//! Event records (`struct vctx_event`) as read() returns them from an open
//! /dev/vctx: decoding whole records out of a byte buffer.

use core::mem::size_of;

use crate::abi;
use crate::accounting::{Resource, limit_value};
use crate::strings::from_c_name;

/// The size of one record: read() returns whole records only.
pub const EVENT_SIZE: usize = size_of::<abi::vctx_event>();

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A limit refused something (rss: was crossed).
    Limit {
        /// `Err(index)` for a resource this tool does not know.
        resource: Result<Resource, u32>,
        /// The context whose limit it was.
        ctx_id: u64,
        /// The context of the process that hit it.
        origin_id: u64,
        /// `None`: unlimited (should not happen for a hit).
        limit: Option<u64>,
        /// The use the operation would have reached.
        attempted: u64,
        /// The thread that hit it (host pid; `None`: none).
        pid: Option<i32>,
        /// Its process.
        tgid: Option<i32>,
        /// Its name.
        comm: String,
    },
    /// This reader lost `lost` records before this one's `seq`.
    Overflow { lost: u64 },
    /// A process of context `ctx_id` called reboot(2) (`halt`: HALT or
    /// POWER_OFF, else RESTART): the context is being ended.
    Ended {
        halt: bool,
        ctx_id: u64,
        pid: i32,
        tgid: i32,
        comm: String,
    },
    /// A record type this tool does not know.
    Unknown { kind: u32 },
}

/// One event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// 1, 2, ... since the module loaded.
    pub seq: u64,
    /// CLOCK_BOOTTIME.
    pub time_ns: u64,
    pub kind: EventKind,
}

impl From<&abi::vctx_event> for Event {
    fn from(e: &abi::vctx_event) -> Self {
        let pid = |p: i32| (p != 0).then_some(p);
        let kind = match e.type_ {
            abi::VCTX_EVENT_LIMIT => EventKind::Limit {
                resource: Resource::from_index(e.resource).ok_or(e.resource),
                ctx_id: e.ctx_id,
                origin_id: e.origin_id,
                limit: limit_value(e.limit),
                attempted: e.attempted,
                pid: pid(e.pid),
                tgid: pid(e.tgid),
                comm: from_c_name(&e.comm),
            },
            abi::VCTX_EVENT_OVERFLOW => EventKind::Overflow { lost: e.lost },
            abi::VCTX_EVENT_REBOOT | abi::VCTX_EVENT_HALT => EventKind::Ended {
                halt: e.type_ == abi::VCTX_EVENT_HALT,
                ctx_id: e.ctx_id,
                pid: e.pid,
                tgid: e.tgid,
                comm: from_c_name(&e.comm),
            },
            kind => EventKind::Unknown { kind },
        };
        Event {
            seq: e.seq,
            time_ns: e.time_ns,
            kind,
        }
    }
}

/// Decodes the whole records at the start of `bytes` (a trailing partial
/// record, which the module never returns, is ignored).
pub fn decode(bytes: &[u8]) -> Vec<Event> {
    bytes
        .chunks_exact(EVENT_SIZE)
        .map(|chunk| {
            let mut raw = abi::vctx_event::default();
            // SAFETY: `raw` is a plain-old-data struct of EVENT_SIZE bytes
            // (every bit pattern is valid: integers and a char array), and
            // `chunk` is exactly EVENT_SIZE bytes; the regions do not overlap.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    chunk.as_ptr(),
                    (&raw mut raw).cast::<u8>(),
                    EVENT_SIZE,
                );
            }
            Event::from(&raw)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The bytes of `e`, as read() would return them.
    pub fn bytes_of(e: &abi::vctx_event) -> Vec<u8> {
        // SAFETY: `e` is a valid vctx_event of EVENT_SIZE bytes with no
        // padding (the size asserts in abi.rs pin that).
        unsafe {
            core::slice::from_raw_parts((e as *const abi::vctx_event).cast::<u8>(), EVENT_SIZE)
        }
        .to_vec()
    }

    pub fn limit_event(seq: u64, resource: u32, comm: &str) -> abi::vctx_event {
        let mut e = abi::vctx_event {
            seq,
            time_ns: 1_500_000_000,
            type_: abi::VCTX_EVENT_LIMIT,
            resource,
            ctx_id: 3,
            origin_id: 4,
            limit: 5,
            attempted: 6,
            pid: 100,
            tgid: 99,
            ..Default::default()
        };
        for (d, s) in e.comm.iter_mut().zip(comm.bytes()) {
            *d = s as _;
        }
        e
    }

    #[test]
    fn decodes_a_limit_record() {
        let ev = decode(&bytes_of(&limit_event(7, abi::VCTX_RES_NPROC, "forkn")));
        assert_eq!(
            ev,
            vec![Event {
                seq: 7,
                time_ns: 1_500_000_000,
                kind: EventKind::Limit {
                    resource: Ok(Resource::Nproc),
                    ctx_id: 3,
                    origin_id: 4,
                    limit: Some(5),
                    attempted: 6,
                    pid: Some(100),
                    tgid: Some(99),
                    comm: "forkn".into(),
                },
            }]
        );
    }

    #[test]
    fn decodes_several_and_ignores_a_partial_tail() {
        let mut bytes = bytes_of(&limit_event(1, abi::VCTX_RES_RSS, "a"));
        let overflow = abi::vctx_event {
            seq: 1030,
            type_: abi::VCTX_EVENT_OVERFLOW,
            lost: 6,
            ..Default::default()
        };
        bytes.extend(bytes_of(&overflow));
        bytes.extend([0u8; 10]);
        let ev = decode(&bytes);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[1].kind, EventKind::Overflow { lost: 6 });
        assert_eq!(ev[1].seq, 1030);
    }

    #[test]
    fn unknown_types_and_resources_are_kept() {
        let mut e = limit_event(2, 9, "x");
        assert!(matches!(
            decode(&bytes_of(&e))[0].kind,
            EventKind::Limit {
                resource: Err(9),
                ..
            }
        ));
        e.type_ = 42;
        assert_eq!(
            decode(&bytes_of(&e))[0].kind,
            EventKind::Unknown { kind: 42 }
        );
    }

    #[test]
    fn a_full_comm_has_no_nul() {
        let e = limit_event(1, 0, "0123456789abcdef");
        let EventKind::Limit { comm, .. } = &decode(&bytes_of(&e))[0].kind else {
            panic!("not a limit event")
        };
        assert_eq!(comm, "0123456789abcdef");
    }
}
