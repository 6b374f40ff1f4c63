// SPDX-License-Identifier: GPL-2.0

//! Layout self-check: Rust's view of kernel structs against C's.
//!
//! bindgen can get a layout wrong without anyone noticing (the kernel runs
//! it with `--no-layout-tests`): with `CONFIG_SCHEDSTATS=n` the empty but
//! cache-aligned `struct sched_statistics` loses its alignment and every
//! `task_struct` field after it moves 48 bytes. Before registering
//! anything, the module compares `offset_of!`/`size_of` for every field it
//! (or the kernel crate on its behalf) touches with the C compiler's values
//! from the shim (`rust/hooks/shim.c`), and refuses to load on a mismatch.

use core::ffi::{c_long, CStr};
use kernel::ffi::c_char;
use core::mem::{offset_of, size_of};
use kernel::{bindings, prelude::*};

extern "C" {
    /// C's `offsetof`/`sizeof` for a name of the shim's table, or -1.
    fn vctx_layout_lookup(name: *const c_char) -> c_long;
}

/// One checked item: its name in the shim's table and Rust's value.
pub(crate) struct Item {
    pub(crate) name: &'static CStr,
    pub(crate) rust: usize,
}

macro_rules! field {
    ($t:ident . $f:ident) => {
        Item {
            name: c_str_of!($t, $f),
            rust: offset_of!(bindings::$t, $f),
        }
    };
}
macro_rules! size {
    ($t:ident) => {
        Item {
            name: kernel::c_str!(concat!("sizeof(", stringify!($t), ")")),
            rust: size_of::<bindings::$t>(),
        }
    };
}
macro_rules! c_str_of {
    ($t:ident, $f:ident) => {
        kernel::c_str!(concat!(stringify!($t), ".", stringify!($f)))
    };
}

/// Every kernel struct field the Rust side of vctx relies on.
static ITEMS: &[Item] = &[
    size!(task_struct),
    field!(task_struct.pid),
    field!(task_struct.tgid),
    field!(task_struct.stats),
    field!(task_struct.group_leader),
    field!(task_struct.real_parent),
    field!(task_struct.signal),
    field!(task_struct.mm),
    field!(task_struct.flags),
    size!(miscdevice),
    field!(miscdevice.minor),
    field!(miscdevice.name),
    field!(miscdevice.fops),
    field!(miscdevice.mode),
    size!(file_operations),
    field!(file_operations.owner),
    field!(file_operations.unlocked_ioctl),
    field!(file_operations.compat_ioctl),
    field!(file_operations.open),
    field!(file_operations.release),
    field!(file_operations.read),
    field!(file_operations.poll),
    size!(file),
    field!(file.private_data),
];

/// Compares `items` with what `c_value` says and logs every mismatch.
/// Returns the number of mismatches. Pure logic over the lookup, so KUnit
/// can feed it a fake C side.
pub(crate) fn compare(items: &[Item], c_value: impl Fn(&CStr) -> c_long) -> usize {
    let mut bad = 0;
    for item in items {
        let c = c_value(item.name);
        if c < 0 || c as usize != item.rust {
            pr_err!(
                "layout mismatch: {}: C {} Rust {}\n",
                item.name.to_str().unwrap_or("?"),
                c,
                item.rust
            );
            bad += 1;
        }
    }
    bad
}

/// Refuses to load (ENOEXEC) if any layout differs.
pub(crate) fn check() -> Result {
    // SAFETY: `name` is a NUL-terminated string; the shim only reads it.
    let bad = compare(ITEMS, |name| unsafe { vctx_layout_lookup(name.as_char_ptr()) });
    if bad != 0 {
        pr_err!(
            "refusing to load: {} kernel struct layouts differ between C and the Rust bindings \
             (is CONFIG_SCHEDSTATS off? see Documentation/design.rst)\n",
            bad
        );
        return Err(ENOEXEC);
    }
    pr_info!("layout check: {} items agree\n", ITEMS.len());
    Ok(())
}

#[kunit_tests(vctx_layout)]
mod tests {
    use super::*;

    #[test]
    fn real_layouts_agree() {
        // SAFETY: as in `check`.
        let bad = compare(ITEMS, |name| unsafe { vctx_layout_lookup(name.as_char_ptr()) });
        assert_eq!(bad, 0);
    }

    #[test]
    fn mismatch_is_counted() {
        let items = [
            Item { name: c"a.b", rust: 8 },
            Item { name: c"a.c", rust: 16 },
            Item { name: c"a.d", rust: 24 },
        ];
        // "a.b" agrees, "a.c" is 48 bytes off, "a.d" is unknown to C.
        let fake = |name: &CStr| match name.to_bytes() {
            b"a.b" => 8,
            b"a.c" => 64,
            _ => -1,
        };
        assert_eq!(compare(&items, fake), 2);
    }
}
