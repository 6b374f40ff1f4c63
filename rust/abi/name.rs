// SPDX-License-Identifier: GPL-2.0

//! Context names and paths: validation and splitting. Pure logic.
//!
//! A name is 1..=63 bytes of `[A-Za-z0-9._-]` and not `.` or `..`. A path is
//! names joined by `/`, with optional leading and trailing slashes and no
//! empty components in between (`/web//x` is invalid); `/` (or the empty
//! path) is the caller's own context. Paths are always relative to the
//! caller's context, so there is nothing to escape to: `..` is simply not
//! a name.

use kernel::prelude::*;

use crate::abi::uapi::{VCTX_DEPTH_MAX, VCTX_NAME_MAX, VCTX_PATH_MAX};

/// The longest name, in bytes.
pub(crate) const NAME_MAX: usize = VCTX_NAME_MAX as usize;
/// The longest path, in bytes.
pub(crate) const PATH_MAX: usize = VCTX_PATH_MAX as usize;
/// The deepest a context can be below the root.
pub(crate) const DEPTH_MAX: usize = VCTX_DEPTH_MAX as usize;

/// A validated context name, stored inline.
#[derive(Clone, Copy)]
pub(crate) struct Name {
    len: u8,
    bytes: [u8; NAME_MAX],
}

impl Name {
    /// Validates `s` as a name (EINVAL if it is not one).
    pub(crate) fn new(s: &[u8]) -> Result<Self> {
        if s.is_empty() || s.len() > NAME_MAX || s == b"." || s == b".." {
            return Err(EINVAL);
        }
        if !s
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-')
        {
            return Err(EINVAL);
        }
        let mut bytes = [0u8; NAME_MAX];
        bytes[..s.len()].copy_from_slice(s);
        Ok(Self {
            len: s.len() as u8,
            bytes,
        })
    }

    /// The name of the root as every viewer sees its own root: empty.
    pub(crate) const fn root() -> Self {
        Self {
            len: 0,
            bytes: [0u8; NAME_MAX],
        }
    }

    /// The name's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// Copies the name into a NUL-terminated ABI field.
    pub(crate) fn to_abi(self, out: &mut [u8; NAME_MAX + 1]) {
        *out = [0u8; NAME_MAX + 1];
        out[..self.len as usize].copy_from_slice(self.as_bytes());
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

/// Reads a NUL-terminated, zero-padded name field of the ABI.
pub(crate) fn from_abi(field: &[u8; NAME_MAX + 1]) -> Result<Name> {
    let len = field.iter().position(|&c| c == 0).ok_or(EINVAL)?;
    if field[len..].iter().any(|&c| c != 0) {
        return Err(EINVAL);
    }
    Name::new(&field[..len])
}

/// Splits a path into validated names (EINVAL on a bad one, ENAMETOOLONG
/// for a path deeper than the deepest possible context).
pub(crate) fn split(path: &[u8]) -> Result<KVec<Name>> {
    if path.len() > PATH_MAX {
        return Err(ENAMETOOLONG);
    }
    let mut names = KVec::new();
    if path.is_empty() || path == b"/" {
        return Ok(names);
    }
    let mut body = path;
    if let [b'/', rest @ ..] = body {
        body = rest;
    }
    if let [rest @ .., b'/'] = body {
        body = rest;
    }
    for part in body.split(|&c| c == b'/') {
        if names.len() == DEPTH_MAX {
            return Err(ENAMETOOLONG);
        }
        names.push(Name::new(part)?, GFP_KERNEL)?;
    }
    Ok(names)
}

#[kunit_tests(vctx_name)]
mod tests {
    use super::*;

    #[test]
    fn valid_names() {
        for ok in [&b"web"[..], b"a", b"A-Z_0.9", b"...", b".hidden", b"x-"] {
            assert!(Name::new(ok).is_ok());
        }
        assert!(Name::new(&[b'a'; NAME_MAX]).is_ok());
    }

    #[test]
    fn invalid_names() {
        for bad in [&b""[..], b".", b"..", b"a/b", b"a b", b"caf\xc3\xa9", b"a\0", b"*"] {
            assert_eq!(Name::new(bad).err(), Some(EINVAL));
        }
        assert_eq!(Name::new(&[b'a'; NAME_MAX + 1]).err(), Some(EINVAL));
    }

    #[test]
    fn paths() {
        assert_eq!(split(b"").unwrap().len(), 0);
        assert_eq!(split(b"/").unwrap().len(), 0);
        let p = split(b"/web/worker/").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].as_bytes(), b"web");
        assert_eq!(p[1].as_bytes(), b"worker");
        assert_eq!(split(b"web").unwrap().len(), 1);
        assert_eq!(split(b"//").err(), Some(EINVAL));
        assert_eq!(split(b"/web//x").err(), Some(EINVAL));
        assert_eq!(split(b"/..").err(), Some(EINVAL));
        assert_eq!(split(b"/web/../x").err(), Some(EINVAL));
    }

    #[test]
    fn path_limits() {
        let mut deep = KVec::new();
        for _ in 0..DEPTH_MAX + 1 {
            deep.extend_from_slice(b"/a", GFP_KERNEL).unwrap();
        }
        assert_eq!(split(&deep).err(), Some(ENAMETOOLONG));
        assert_eq!(split(&deep[2..]).unwrap().len(), DEPTH_MAX);
    }

    #[test]
    fn abi_names() {
        let mut f = [0u8; NAME_MAX + 1];
        f[..3].copy_from_slice(b"web");
        assert_eq!(from_abi(&f).unwrap().as_bytes(), b"web");
        f[10] = b'x';
        assert_eq!(from_abi(&f).err(), Some(EINVAL));
        let full = [b'a'; NAME_MAX + 1];
        assert_eq!(from_abi(&full).err(), Some(EINVAL));
        let mut back = [1u8; NAME_MAX + 1];
        Name::new(b"ab").unwrap().to_abi(&mut back);
        assert_eq!(&back[..3], b"ab\0");
    }
}
