// SPDX-License-Identifier: GPL-2.0

//! What processes use: the figures read from the kernel (through
//! `hooks/shim_acct.c`) and the monotonic, accounted form they are summed
//! in.

use kernel::prelude::*;

use crate::kern::task::PidRef;

/// The raw figures of one process (`struct vctx_raw_usage`).
#[repr(C)]
#[derive(Default, Clone, Copy)]
pub(crate) struct Raw {
    pub(crate) utime: u64,
    pub(crate) stime: u64,
    pub(crate) runtime: u64,
    pub(crate) rchar: u64,
    pub(crate) wchar: u64,
    pub(crate) read_bytes: u64,
    pub(crate) write_bytes: u64,
    pub(crate) nvcsw: u64,
    pub(crate) nivcsw: u64,
    pub(crate) threads: u64,
}

const _: () = assert!(core::mem::size_of::<Raw>() == 10 * 8);

extern "C" {
    fn vctx_group_usage(tgid: *mut core::ffi::c_void, out: *mut Raw) -> bool;
    fn vctx_group_threads(tgid: *mut core::ffi::c_void) -> u64;
    fn vctx_group_rss(tgid: *mut core::ffi::c_void, mm_id: *mut u64) -> u64;
    fn vctx_task_io(t: *mut core::ffi::c_void, out4: *mut u64);
    fn vctx_exit_hiwater_rss(t: *mut core::ffi::c_void) -> u64;
}

/// The highest RSS, in bytes, of the address space of `t`, which is
/// exiting (called from the exit tracepoint, in `t`).
///
/// # Safety
///
/// `t` must be the current task, in `do_exit()` before `exit_mm()`.
pub(crate) unsafe fn exit_hiwater_rss(t: *mut kernel::bindings::task_struct) -> u64 {
    // SAFETY: by contract `t` is current and still has its address space.
    let pages = unsafe { vctx_exit_hiwater_rss(t.cast()) };
    pages * kernel::page::PAGE_SIZE as u64
}

/// The I/O of one task: rchar, wchar, read_bytes, write_bytes.
pub(crate) type Io = [u64; 4];

/// The I/O task `t` has done.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn task_io(t: *mut kernel::bindings::task_struct) -> Io {
    let mut io = [0u64; 4];
    // SAFETY: valid task by contract; `io` has the four slots written.
    unsafe { vctx_task_io(t.cast(), io.as_mut_ptr()) };
    io
}

impl Raw {
    /// The figures of the process whose tgid `pid` is; `None` if it has
    /// been reaped. Callable in atomic context.
    pub(crate) fn of(pid: &PidRef) -> Option<Raw> {
        let mut raw = Raw::default();
        // SAFETY: `pid` holds a reference to a valid `struct pid`; `raw`
        // is a valid, writable `struct vctx_raw_usage` (same layout).
        unsafe { vctx_group_usage(pid.as_ptr().cast(), &mut raw) }.then_some(raw)
    }

    /// Resident pages of the process's address space and its identity
    /// (`None`: none, or reaped). Takes `task_lock()`: never call it with
    /// the state lock held (the ptrace hook takes that lock under
    /// `task_lock()`).
    pub(crate) fn rss_of(pid: &PidRef) -> Option<(u64, u64)> {
        let mut mm = 0u64;
        // SAFETY: `pid` holds a reference to a valid `struct pid`; `mm` is writable.
        let pages = unsafe { vctx_group_rss(pid.as_ptr().cast(), &mut mm) };
        (mm != 0).then_some((mm, pages))
    }

    /// The live tasks of the process whose tgid `pid` is (`None`: reaped).
    pub(crate) fn threads_of(pid: &PidRef) -> Option<u64> {
        // SAFETY: `pid` holds a reference to a valid `struct pid`.
        let n = unsafe { vctx_group_threads(pid.as_ptr().cast()) };
        (n != 0).then_some(n)
    }
}

/// Accounted figures: what a process (or a context's exited processes)
/// used while it was in a context. Every field only ever grows.
#[derive(Default, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) user_ns: u64,
    pub(crate) system_ns: u64,
    pub(crate) rchar: u64,
    pub(crate) wchar: u64,
    pub(crate) read_bytes: u64,
    pub(crate) write_bytes: u64,
    pub(crate) nvcsw: u64,
    pub(crate) nivcsw: u64,
}

impl Usage {
    /// Adds `o` to `self`.
    pub(crate) fn add(&mut self, o: &Usage) {
        self.user_ns = self.user_ns.saturating_add(o.user_ns);
        self.system_ns = self.system_ns.saturating_add(o.system_ns);
        self.rchar = self.rchar.saturating_add(o.rchar);
        self.wchar = self.wchar.saturating_add(o.wchar);
        self.read_bytes = self.read_bytes.saturating_add(o.read_bytes);
        self.write_bytes = self.write_bytes.saturating_add(o.write_bytes);
        self.nvcsw = self.nvcsw.saturating_add(o.nvcsw);
        self.nivcsw = self.nivcsw.saturating_add(o.nivcsw);
    }

    /// `self - base`, field by field, never below zero.
    pub(crate) fn since(&self, base: &Usage) -> Usage {
        Usage {
            user_ns: self.user_ns.saturating_sub(base.user_ns),
            system_ns: self.system_ns.saturating_sub(base.system_ns),
            rchar: self.rchar.saturating_sub(base.rchar),
            wchar: self.wchar.saturating_sub(base.wchar),
            read_bytes: self.read_bytes.saturating_sub(base.read_bytes),
            write_bytes: self.write_bytes.saturating_sub(base.write_bytes),
            nvcsw: self.nvcsw.saturating_sub(base.nvcsw),
            nivcsw: self.nivcsw.saturating_sub(base.nivcsw),
        }
    }

    /// Adds the I/O of threads that have exited (`dead`) to `raw`, which
    /// counts live threads only.
    pub(crate) fn with_dead_io(mut raw: Raw, dead: &Io) -> Raw {
        raw.rchar = raw.rchar.saturating_add(dead[0]);
        raw.wchar = raw.wchar.saturating_add(dead[1]);
        raw.read_bytes = raw.read_bytes.saturating_add(dead[2]);
        raw.write_bytes = raw.write_bytes.saturating_add(dead[3]);
        raw
    }

    /// The accounted form of `raw`, given the previous reading of the same
    /// process (`prev`, updated). CPU time is split the way
    /// `cputime_adjust()` splits it for `/proc/<pid>/stat`: the precise
    /// runtime, divided in the ratio of the tick-sampled user and system
    /// times, and never below the previous reading; the other figures are
    /// the kernel's own counters, which only grow.
    pub(crate) fn from_raw(raw: &Raw, prev: &mut Usage) -> Usage {
        let rtime = raw.runtime.max(prev.user_ns.saturating_add(prev.system_ns));
        let mut stime = if raw.stime == 0 {
            0
        } else if raw.utime == 0 {
            rtime
        } else {
            scale(rtime, raw.stime, raw.utime.saturating_add(raw.stime))
        };
        stime = stime.max(prev.system_ns).min(rtime);
        let mut utime = rtime - stime;
        if utime < prev.user_ns {
            utime = prev.user_ns;
            stime = rtime - utime;
        }
        let u = Usage {
            user_ns: utime,
            system_ns: stime,
            rchar: raw.rchar.max(prev.rchar),
            wchar: raw.wchar.max(prev.wchar),
            read_bytes: raw.read_bytes.max(prev.read_bytes),
            write_bytes: raw.write_bytes.max(prev.write_bytes),
            nvcsw: raw.nvcsw.max(prev.nvcsw),
            nivcsw: raw.nivcsw.max(prev.nivcsw),
        };
        *prev = u;
        u
    }
}

/// `x * num / den` without 128-bit division (not available in the
/// kernel): the ratio is taken with 32 bits of precision. `num <= den`.
pub(crate) fn scale(x: u64, num: u64, den: u64) -> u64 {
    if den == 0 {
        return 0;
    }
    let shift = (64 - den.leading_zeros()).saturating_sub(32);
    let (num, den) = (num >> shift, (den >> shift).max(1));
    // num <= den < 2^32, so num << 32 fits.
    let ratio = (num << 32) / den;
    let wide = u128::from(x) * u128::from(ratio);
    (wide >> 32) as u64
}

#[kunit_tests(vctx_usage)]
mod tests {
    use super::*;

    #[test]
    fn scale_matches_exact_ratios() {
        assert_eq!(scale(1000, 1, 2), 500);
        assert_eq!(scale(1_000_000_000, 3, 4), 750_000_000);
        assert_eq!(scale(7, 0, 5), 0);
        assert_eq!(scale(7, 5, 5), 7);
        // Large operands: within one part in 2^31.
        let x = 5_000_000_000_000u64;
        let got = scale(x, 1u64 << 40, 3u64 << 40);
        let want = x / 3;
        assert!(got.abs_diff(want) <= want >> 31);
    }

    #[test]
    fn cpu_split_never_goes_backwards() {
        let mut prev = Usage::default();
        let r1 = Raw { utime: 10, stime: 0, runtime: 1000, ..Raw::default() };
        let a = Usage::from_raw(&r1, &mut prev);
        assert_eq!((a.user_ns, a.system_ns), (1000, 0));
        // The tick ratio now says "half system": user may not shrink.
        let r2 = Raw { utime: 10, stime: 10, runtime: 1200, ..Raw::default() };
        let b = Usage::from_raw(&r2, &mut prev);
        assert!(b.user_ns >= a.user_ns && b.system_ns >= a.system_ns);
        assert_eq!(b.user_ns + b.system_ns, 1200);
        // A runtime reading that lags the previous one changes nothing.
        let r3 = Raw { utime: 10, stime: 10, runtime: 1100, ..Raw::default() };
        let c = Usage::from_raw(&r3, &mut prev);
        assert_eq!((c.user_ns, c.system_ns), (b.user_ns, b.system_ns));
    }
}
