//! Strings across the ABI: `vctx_str` arguments and fixed `char[64]` names.

use core::ffi::c_char;

use crate::abi;
use crate::error::{Error, Result};

/// Checks that `path` fits in a `vctx_str` (at most VCTX_PATH_MAX bytes).
pub(crate) fn check_path(path: &str) -> Result<()> {
    if path.len() > abi::VCTX_PATH_MAX as usize {
        return Err(Error::Invalid {
            subject: format!("{}...", truncate(path, 32)),
            what: format!("path too long (at most {} bytes)", abi::VCTX_PATH_MAX),
        });
    }
    Ok(())
}

/// A `vctx_str` pointing at `s`. The caller keeps `s` alive (and unmoved)
/// until the ioctl that reads it has returned; `check_path` bounds its length.
pub(crate) fn vstr(s: &str) -> abi::vctx_str {
    abi::vctx_str {
        ptr: s.as_ptr() as u64,
        len: s.len() as u32,
        __pad: 0,
    }
}

/// The NUL-terminated name in a `char[N]` buffer (lossy UTF-8).
pub(crate) fn from_c_name(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Copies `name` into a zeroed `char[N]` buffer, leaving room for the NUL.
pub(crate) fn to_c_name(name: &str, buf: &mut [c_char]) -> Result<()> {
    let max = buf.len() - 1;
    if name.is_empty() || name.len() > max {
        return Err(Error::Invalid {
            subject: truncate(name, 64).to_owned(),
            what: format!("invalid name (1 to {max} bytes of [A-Za-z0-9._-])"),
        });
    }
    if name.as_bytes().contains(&0) || name.contains('/') {
        return Err(Error::Invalid {
            subject: name.escape_debug().to_string(),
            what: "invalid name (a name has no '/' or NUL)".to_owned(),
        });
    }
    buf.fill(0);
    for (dst, &src) in buf.iter_mut().zip(name.as_bytes()) {
        *dst = src as c_char;
    }
    Ok(())
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vstr_points_at_the_bytes() {
        let s = "/web/app";
        let v = vstr(s);
        assert_eq!(v.ptr, s.as_ptr() as u64);
        assert_eq!((v.len, v.__pad), (8, 0));
    }

    #[test]
    fn path_length_is_bounded() {
        assert!(check_path(&"a".repeat(1024)).is_ok());
        let err = check_path(&"a".repeat(1025)).unwrap_err();
        assert!(
            err.to_string()
                .contains("path too long (at most 1024 bytes)")
        );
    }

    #[test]
    fn names_round_trip() {
        let mut buf = [0 as c_char; 64];
        to_c_name("web", &mut buf).unwrap();
        assert_eq!(
            buf[..4],
            [b'w' as c_char, b'e' as c_char, b'b' as c_char, 0]
        );
        assert_eq!(from_c_name(&buf), "web");
        to_c_name(&"x".repeat(63), &mut buf).unwrap();
        assert_eq!(buf[63], 0);
        assert_eq!(from_c_name(&buf).len(), 63);
    }

    #[test]
    fn bad_names_are_refused() {
        let mut buf = [0 as c_char; 64];
        assert!(to_c_name("", &mut buf).is_err());
        assert!(to_c_name(&"x".repeat(64), &mut buf).is_err());
        assert!(to_c_name("a/b", &mut buf).is_err());
        assert!(to_c_name("a\0b", &mut buf).is_err());
    }

    #[test]
    fn unterminated_names_stop_at_the_end() {
        let buf = [b'a' as c_char; 4];
        assert_eq!(from_c_name(&buf), "aaaa");
    }
}
