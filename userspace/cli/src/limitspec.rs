//! Parsing `vctx limit` assignments: `nproc=N|max`, `nthreads=N|max`,
//! `rss=SIZE|max`, where SIZE is bytes with an optional binary suffix
//! (K, M, G, T; also KiB, MB...: always powers of 1024).

use vctx_lib::Resource;

/// One assignment: the resource and its new limit (`None`: max).
pub type Assignment = (Resource, Option<u64>);

const HINT: &str = "expected nproc=N, nthreads=N or rss=SIZE (e.g. rss=512M), or KEY=max";

/// Parses one `KEY=VALUE` (the clap value parser).
pub fn parse(text: &str) -> Result<Assignment, String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("'{text}': not an assignment ({HINT})"));
    };
    let res = Resource::from_name(key).ok_or_else(|| format!("'{key}': unknown limit ({HINT})"))?;
    if value == "max" {
        return Ok((res, None));
    }
    let n = if res.is_bytes() {
        size(value)
    } else {
        value
            .parse::<u64>()
            .map_err(|_| "a whole number".to_owned())
    };
    match n {
        Ok(n) => Ok((res, Some(n))),
        Err(what) => Err(format!("'{text}': {what} or 'max' expected ({HINT})")),
    }
}

/// A size: digits and an optional K/M/G/T suffix (binary, case-insensitive,
/// optionally followed by "iB" or "B"; a bare "B" is bytes).
pub fn size(text: &str) -> Result<u64, String> {
    let bad = || "a size such as 4096, 64K, 512M or 2G".to_owned();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    if digits.is_empty() {
        return Err(bad());
    }
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| "a size below 16 EiB".to_owned())
}

/// Checks that no resource is assigned twice.
pub fn check_unique(assignments: &[Assignment]) -> Result<(), String> {
    for (i, (res, _)) in assignments.iter().enumerate() {
        if assignments[..i].iter().any(|(r, _)| r == res) {
            return Err(format!("{} is given twice", res.name()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_max() {
        assert_eq!(parse("nproc=10"), Ok((Resource::Nproc, Some(10))));
        assert_eq!(parse("nproc=0"), Ok((Resource::Nproc, Some(0))));
        assert_eq!(parse("nthreads=max"), Ok((Resource::Nthreads, None)));
        assert_eq!(parse("rss=max"), Ok((Resource::Rss, None)));
    }

    #[test]
    fn sizes_are_binary() {
        assert_eq!(parse("rss=4096"), Ok((Resource::Rss, Some(4096))));
        assert_eq!(parse("rss=64K"), Ok((Resource::Rss, Some(64 << 10))));
        assert_eq!(parse("rss=512M"), Ok((Resource::Rss, Some(512 << 20))));
        assert_eq!(parse("rss=2g"), Ok((Resource::Rss, Some(2 << 30))));
        assert_eq!(parse("rss=1GiB"), Ok((Resource::Rss, Some(1 << 30))));
        assert_eq!(parse("rss=1T"), Ok((Resource::Rss, Some(1 << 40))));
        assert_eq!(size("100B"), Ok(100));
        assert!(size("16777216T").is_err());
    }

    #[test]
    fn rejects() {
        for bad in [
            "nproc",
            "nproc=",
            "nproc=-1",
            "nproc=1K",
            "nproc=1.5",
            "cpu=1",
            "rss=1.5G",
            "rss=G",
            "rss=5X",
            "rss=",
            "=5",
            "nproc=MAX",
            "rss=1 G",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse("cpu=1").unwrap_err().contains("unknown limit"));
        assert!(parse("nproc").unwrap_err().contains("not an assignment"));
    }

    #[test]
    fn duplicates() {
        let a = [(Resource::Nproc, Some(1)), (Resource::Rss, None)];
        assert!(check_unique(&a).is_ok());
        let b = [(Resource::Nproc, Some(1)), (Resource::Nproc, None)];
        assert_eq!(check_unique(&b), Err("nproc is given twice".into()));
    }
}
