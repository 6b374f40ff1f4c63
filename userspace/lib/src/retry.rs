//! The LIST/PIDS protocol: call with a guessed capacity; on ERANGE the
//! module wrote nothing and reported the count it needs, so grow and retry.

use nix::errno::Errno;

/// How many times to grow before giving up (the set can grow between calls).
const MAX_TRIES: usize = 8;

/// Calls `call` with a zeroed buffer of `capacity` elements. `call` returns
/// the ioctl's result and the `count` field (written, or needed on ERANGE).
/// Returns the elements written.
pub(crate) fn fetch_growing<T, F>(mut capacity: u32, mut call: F) -> Result<Vec<T>, Errno>
where
    T: Default + Clone,
    F: FnMut(&mut [T]) -> (Result<(), Errno>, u32),
{
    for _ in 0..MAX_TRIES {
        let mut buf = vec![T::default(); capacity as usize];
        match call(&mut buf) {
            (Ok(()), count) => {
                buf.truncate(count.min(capacity) as usize);
                return Ok(buf);
            }
            (Err(Errno::ERANGE), needed) => {
                // Leave some room for what appears before the next call.
                let want = needed.saturating_add(needed / 4).saturating_add(4);
                capacity = want.max(capacity.saturating_mul(2));
            }
            (Err(errno), _) => return Err(errno),
        }
    }
    Err(Errno::ERANGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake module holding `n` items.
    fn fake(
        n: u32,
        calls: &mut Vec<u32>,
    ) -> impl FnMut(&mut [u32]) -> (Result<(), Errno>, u32) + '_ {
        move |buf: &mut [u32]| {
            calls.push(buf.len() as u32);
            if (buf.len() as u32) < n {
                return (Err(Errno::ERANGE), n);
            }
            for (i, slot) in buf.iter_mut().take(n as usize).enumerate() {
                *slot = i as u32 + 1;
            }
            (Ok(()), n)
        }
    }

    #[test]
    fn fits_first_time() {
        let mut calls = Vec::new();
        let got = fetch_growing(8, fake(3, &mut calls)).unwrap();
        assert_eq!(got, vec![1, 2, 3]);
        assert_eq!(calls, vec![8]);
    }

    #[test]
    fn grows_on_erange() {
        let mut calls = Vec::new();
        let got = fetch_growing(2, fake(100, &mut calls)).unwrap();
        assert_eq!(got.len(), 100);
        assert_eq!(calls.len(), 2);
        assert!(calls[1] >= 100);
    }

    #[test]
    fn empty_result() {
        let mut calls = Vec::new();
        assert!(fetch_growing(4, fake(0, &mut calls)).unwrap().is_empty());
    }

    #[test]
    fn gives_up_when_it_never_fits() {
        let mut tries = 0;
        let err = fetch_growing::<u8, _>(1, |buf| {
            tries += 1;
            (Err(Errno::ERANGE), buf.len() as u32 * 4)
        });
        assert_eq!(err, Err(Errno::ERANGE));
        assert_eq!(tries, MAX_TRIES);
    }

    #[test]
    fn other_errors_pass_through() {
        assert_eq!(
            fetch_growing::<u8, _>(1, |_| (Err(Errno::ENOENT), 0)),
            Err(Errno::ENOENT)
        );
    }
}
