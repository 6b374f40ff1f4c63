//! The JSON documents of the accounting commands: counters, limits, the
//! final record. Every figure is exact (bytes, nanoseconds); a limit of
//! "max" is the string "max".

use serde::Serialize;
use vctx_lib::{Counters, FinalRecord, Limit, Limits, Resource};

/// A limit value: a number, or "max".
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum LimitValue {
    Max(&'static str),
    Value(u64),
}

impl From<Option<u64>> for LimitValue {
    fn from(v: Option<u64>) -> Self {
        v.map_or(LimitValue::Max("max"), LimitValue::Value)
    }
}

/// One limit: {held, peak, limit, failures}.
#[derive(Debug, Serialize)]
pub struct LimitJson {
    pub held: u64,
    pub peak: u64,
    pub limit: LimitValue,
    pub failures: u64,
}

impl From<&Limit> for LimitJson {
    fn from(l: &Limit) -> Self {
        LimitJson {
            held: l.held,
            peak: l.peak,
            limit: l.limit.into(),
            failures: l.failures,
        }
    }
}

/// Every limit by name: {"nproc": {...}, "nthreads": {...}, "rss": {...}}.
#[derive(Debug, Serialize)]
pub struct LimitsJson {
    pub nproc: LimitJson,
    pub nthreads: LimitJson,
    pub rss: LimitJson,
}

impl From<&Limits> for LimitsJson {
    fn from(l: &Limits) -> Self {
        LimitsJson {
            nproc: (&l[Resource::Nproc.index()]).into(),
            nthreads: (&l[Resource::Nthreads.index()]).into(),
            rss: (&l[Resource::Rss.index()]).into(),
        }
    }
}

/// The final record of `vctx wait`.
#[derive(Debug, Serialize)]
pub struct FinalJson {
    pub totals: Counters,
    pub limits: LimitsJson,
}

impl From<&FinalRecord> for FinalJson {
    fn from(r: &FinalRecord) -> Self {
        FinalJson {
            totals: r.totals,
            limits: (&r.limits).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counters_keys() {
        let v = serde_json::to_value(Counters {
            forks: 3,
            io_write_bytes: 1 << 20,
            ..Default::default()
        })
        .unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "processes",
            "threads",
            "forks",
            "execs",
            "exits",
            "cpu_user_ns",
            "cpu_system_ns",
            "rss_bytes",
            "rss_peak_bytes",
            "io_read_bytes",
            "io_write_bytes",
            "io_storage_read_bytes",
            "io_storage_write_bytes",
            "nvcsw",
            "nivcsw",
            "limit_hits",
        ] {
            assert!(keys.contains(&key), "missing {key}");
        }
        assert_eq!(keys.len(), 16);
        assert_eq!(
            (v["forks"].as_u64(), v["io_write_bytes"].as_u64()),
            (Some(3), Some(1 << 20))
        );
    }

    #[test]
    fn limits_max_is_a_string() {
        let mut limits = Limits::default();
        limits[0] = Limit {
            held: 2,
            peak: 3,
            limit: Some(3),
            failures: 1,
        };
        let v = serde_json::to_value(LimitsJson::from(&limits)).unwrap();
        assert_eq!(
            v["nproc"],
            json!({"held": 2, "peak": 3, "limit": 3, "failures": 1})
        );
        assert_eq!(v["rss"]["limit"], json!("max"));
        assert_eq!(v["nthreads"]["limit"], json!("max"));
    }
}
