//! The ioctl request numbers and the raw nix wrappers, one per command.
//!
//! The numbers are computed here with nix from the magic, the command
//! number and the size of the bindgen struct; the tests check them against
//! the numbers clang computes from the header's `_IOWR`/`_IOW` macros
//! (bindgen's `VCTX_IOC_*`) and against literals.

use core::mem::size_of;

use nix::{ioctl_readwrite, ioctl_write_ptr, request_code_readwrite, request_code_write};

use crate::abi;

/// The ioctl type byte of every vctx command.
const MAGIC: u8 = 0xE7;
const _: () = assert!(MAGIC as u32 == abi::VCTX_IOC_MAGIC);

const NR_VERSION: u8 = 0x00;
const NR_CREATE: u8 = 0x01;
const NR_DESTROY: u8 = 0x02;
const NR_RENAME: u8 = 0x03;
const NR_LIST: u8 = 0x04;
const NR_INFO: u8 = 0x05;
const NR_ENTER: u8 = 0x06;
const NR_PIDS: u8 = 0x07;
const NR_KILL: u8 = 0x08;
const NR_WAIT: u8 = 0x09;
const NR_STAT: u8 = 0x0A;
const NR_SNAPSHOT: u8 = 0x0B;
const NR_SET_LIMIT: u8 = 0x0C;
const NR_CHECKPOINT: u8 = 0x0D;
const NR_SET_FLAGS: u8 = 0x10;
const NR_SEAL: u8 = 0x11;
const NR_NS_SET: u8 = 0x12;
const NR_NS_GET: u8 = 0x13;
const NR_NS_OPEN: u8 = 0x14;
const NR_SET_CAPS: u8 = 0x20;
const NR_CGROUP_SET: u8 = 0x30;
const NR_CGROUP_GET: u8 = 0x31;

/// `_IOWR(VCTX_IOC_MAGIC, nr, T)`.
macro_rules! iowr {
    ($nr:expr, $ty:ty) => {
        request_code_readwrite!(MAGIC, $nr, size_of::<$ty>()) as u32
    };
}
/// `_IOW(VCTX_IOC_MAGIC, nr, T)`.
macro_rules! iow {
    ($nr:expr, $ty:ty) => {
        request_code_write!(MAGIC, $nr, size_of::<$ty>()) as u32
    };
}

pub const VCTX_IOC_VERSION: u32 = iowr!(NR_VERSION, abi::vctx_version);
pub const VCTX_IOC_CREATE: u32 = iowr!(NR_CREATE, abi::vctx_create);
pub const VCTX_IOC_DESTROY: u32 = iow!(NR_DESTROY, abi::vctx_destroy);
pub const VCTX_IOC_RENAME: u32 = iow!(NR_RENAME, abi::vctx_rename);
pub const VCTX_IOC_LIST: u32 = iowr!(NR_LIST, abi::vctx_list);
pub const VCTX_IOC_INFO: u32 = iowr!(NR_INFO, abi::vctx_info);
pub const VCTX_IOC_ENTER: u32 = iow!(NR_ENTER, abi::vctx_enter);
pub const VCTX_IOC_PIDS: u32 = iowr!(NR_PIDS, abi::vctx_pids);
pub const VCTX_IOC_KILL: u32 = iowr!(NR_KILL, abi::vctx_kill);
pub const VCTX_IOC_WAIT: u32 = iowr!(NR_WAIT, abi::vctx_wait);
pub const VCTX_IOC_STAT: u32 = iowr!(NR_STAT, abi::vctx_stat);
pub const VCTX_IOC_SNAPSHOT: u32 = iowr!(NR_SNAPSHOT, abi::vctx_snapshot);
pub const VCTX_IOC_SET_LIMIT: u32 = iow!(NR_SET_LIMIT, abi::vctx_set_limit);
pub const VCTX_IOC_CHECKPOINT: u32 = iowr!(NR_CHECKPOINT, abi::vctx_checkpoint);
pub const VCTX_IOC_SET_FLAGS: u32 = iowr!(NR_SET_FLAGS, abi::vctx_set_flags);
pub const VCTX_IOC_SEAL: u32 = iowr!(NR_SEAL, abi::vctx_seal);
pub const VCTX_IOC_NS_SET: u32 = iow!(NR_NS_SET, abi::vctx_ns_set);
pub const VCTX_IOC_NS_GET: u32 = iowr!(NR_NS_GET, abi::vctx_ns_get);
pub const VCTX_IOC_NS_OPEN: u32 = iowr!(NR_NS_OPEN, abi::vctx_ns_open);
pub const VCTX_IOC_SET_CAPS: u32 = iowr!(NR_SET_CAPS, abi::vctx_set_caps);
pub const VCTX_IOC_CGROUP_SET: u32 = iow!(NR_CGROUP_SET, abi::vctx_cgroup_set);
pub const VCTX_IOC_CGROUP_GET: u32 = iowr!(NR_CGROUP_GET, abi::vctx_cgroup_get);

ioctl_readwrite!(version, MAGIC, NR_VERSION, abi::vctx_version);
ioctl_readwrite!(create, MAGIC, NR_CREATE, abi::vctx_create);
ioctl_write_ptr!(destroy, MAGIC, NR_DESTROY, abi::vctx_destroy);
ioctl_write_ptr!(rename, MAGIC, NR_RENAME, abi::vctx_rename);
ioctl_readwrite!(list, MAGIC, NR_LIST, abi::vctx_list);
ioctl_readwrite!(info, MAGIC, NR_INFO, abi::vctx_info);
ioctl_write_ptr!(enter, MAGIC, NR_ENTER, abi::vctx_enter);
ioctl_readwrite!(pids, MAGIC, NR_PIDS, abi::vctx_pids);
ioctl_readwrite!(kill, MAGIC, NR_KILL, abi::vctx_kill);
ioctl_readwrite!(wait, MAGIC, NR_WAIT, abi::vctx_wait);
ioctl_readwrite!(stat, MAGIC, NR_STAT, abi::vctx_stat);
ioctl_readwrite!(snapshot, MAGIC, NR_SNAPSHOT, abi::vctx_snapshot);
ioctl_write_ptr!(set_limit, MAGIC, NR_SET_LIMIT, abi::vctx_set_limit);
ioctl_readwrite!(checkpoint, MAGIC, NR_CHECKPOINT, abi::vctx_checkpoint);
ioctl_readwrite!(set_flags, MAGIC, NR_SET_FLAGS, abi::vctx_set_flags);
ioctl_readwrite!(seal, MAGIC, NR_SEAL, abi::vctx_seal);
ioctl_write_ptr!(ns_set, MAGIC, NR_NS_SET, abi::vctx_ns_set);
ioctl_readwrite!(ns_get, MAGIC, NR_NS_GET, abi::vctx_ns_get);
ioctl_readwrite!(ns_open, MAGIC, NR_NS_OPEN, abi::vctx_ns_open);
ioctl_readwrite!(set_caps, MAGIC, NR_SET_CAPS, abi::vctx_set_caps);
ioctl_write_ptr!(cgroup_set, MAGIC, NR_CGROUP_SET, abi::vctx_cgroup_set);
ioctl_readwrite!(cgroup_get, MAGIC, NR_CGROUP_GET, abi::vctx_cgroup_get);

#[cfg(test)]
mod tests {
    use super::*;

    /// nix's numbers equal the ones clang evaluated from the header.
    #[test]
    fn match_the_header() {
        assert_eq!(VCTX_IOC_VERSION, abi::VCTX_IOC_VERSION);
        assert_eq!(VCTX_IOC_CREATE, abi::VCTX_IOC_CREATE);
        assert_eq!(VCTX_IOC_DESTROY, abi::VCTX_IOC_DESTROY);
        assert_eq!(VCTX_IOC_RENAME, abi::VCTX_IOC_RENAME);
        assert_eq!(VCTX_IOC_LIST, abi::VCTX_IOC_LIST);
        assert_eq!(VCTX_IOC_INFO, abi::VCTX_IOC_INFO);
        assert_eq!(VCTX_IOC_ENTER, abi::VCTX_IOC_ENTER);
        assert_eq!(VCTX_IOC_PIDS, abi::VCTX_IOC_PIDS);
        assert_eq!(VCTX_IOC_KILL, abi::VCTX_IOC_KILL);
        assert_eq!(VCTX_IOC_WAIT, abi::VCTX_IOC_WAIT);
        assert_eq!(VCTX_IOC_STAT, abi::VCTX_IOC_STAT);
        assert_eq!(VCTX_IOC_SNAPSHOT, abi::VCTX_IOC_SNAPSHOT);
        assert_eq!(VCTX_IOC_SET_LIMIT, abi::VCTX_IOC_SET_LIMIT);
        assert_eq!(VCTX_IOC_CHECKPOINT, abi::VCTX_IOC_CHECKPOINT);
        assert_eq!(VCTX_IOC_SET_FLAGS, abi::VCTX_IOC_SET_FLAGS);
        assert_eq!(VCTX_IOC_SEAL, abi::VCTX_IOC_SEAL);
        assert_eq!(VCTX_IOC_NS_SET, abi::VCTX_IOC_NS_SET);
        assert_eq!(VCTX_IOC_NS_GET, abi::VCTX_IOC_NS_GET);
        assert_eq!(VCTX_IOC_NS_OPEN, abi::VCTX_IOC_NS_OPEN);
        assert_eq!(VCTX_IOC_SET_CAPS, abi::VCTX_IOC_SET_CAPS);
        assert_eq!(VCTX_IOC_CGROUP_SET, abi::VCTX_IOC_CGROUP_SET);
        assert_eq!(VCTX_IOC_CGROUP_GET, abi::VCTX_IOC_CGROUP_GET);
    }

    /// The same numbers from the hand-computed sizes, and as literals
    /// (dir << 30 | size << 16 | 0xE7 << 8 | nr; read+write is 3, write 1).
    #[test]
    fn match_hand_computed() {
        let rw = |nr: u8, size: usize| request_code_readwrite!(0xE7, nr, size) as u32;
        let w = |nr: u8, size: usize| request_code_write!(0xE7, nr, size) as u32;
        let expected = [
            (VCTX_IOC_VERSION, rw(0, 32), 0xC020_E700),
            (VCTX_IOC_CREATE, rw(1, 112), 0xC070_E701),
            (VCTX_IOC_DESTROY, w(2, 24), 0x4018_E702),
            (VCTX_IOC_RENAME, w(3, 88), 0x4058_E703),
            (VCTX_IOC_LIST, rw(4, 48), 0xC030_E704),
            (VCTX_IOC_INFO, rw(5, 176), 0xC0B0_E705),
            (VCTX_IOC_ENTER, w(6, 32), 0x4020_E706),
            (VCTX_IOC_PIDS, rw(7, 48), 0xC030_E707),
            (VCTX_IOC_KILL, rw(8, 48), 0xC030_E708),
            (VCTX_IOC_WAIT, rw(9, 288), 0xC120_E709),
            (VCTX_IOC_STAT, rw(0x0A, 440), 0xC1B8_E70A),
            (VCTX_IOC_SNAPSHOT, rw(0x0B, 56), 0xC038_E70B),
            (VCTX_IOC_SET_LIMIT, w(0x0C, 56), 0x4038_E70C),
            (VCTX_IOC_CHECKPOINT, rw(0x0D, 32), 0xC020_E70D),
            (VCTX_IOC_SET_FLAGS, rw(0x10, 40), 0xC028_E710),
            (VCTX_IOC_SEAL, rw(0x11, 32), 0xC020_E711),
            (VCTX_IOC_NS_SET, w(0x12, 64), 0x4040_E712),
            (VCTX_IOC_NS_GET, rw(0x13, 160), 0xC0A0_E713),
            (VCTX_IOC_NS_OPEN, rw(0x14, 40), 0xC028_E714),
            (VCTX_IOC_SET_CAPS, rw(0x20, 40), 0xC028_E720),
            (VCTX_IOC_CGROUP_SET, w(0x30, 32), 0x4020_E730),
            (VCTX_IOC_CGROUP_GET, rw(0x31, 56), 0xC038_E731),
        ];
        for (i, (ours, nix, literal)) in expected.into_iter().enumerate() {
            assert_eq!(ours, nix, "command {i}: nix");
            assert_eq!(ours, literal, "command {i}: literal {literal:#x}");
        }
    }
}
