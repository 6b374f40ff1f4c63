//! `vctx events [--follow]`: the limit events waiting for a new reader,
//! or (--follow) every event as it comes; one line (or JSON line) each.
//! The cgroup events of contexts with a cgroup of their own (memory max,
//! high, oom, oom_kill; CPU throttling: `crate::sys::cgevents`) come after the
//! module's, and with `--follow` as the CLI sees their counts grow.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use vctx_lib::{Device, Event, EventKind, abi};

use crate::spec::paths::preorder_paths;
use crate::view::human;

/// Print the limit events (refused forks, crossed rss limits) as they come
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep reading and print events as they come (until interrupted)
    #[arg(short, long)]
    pub follow: bool,
}

#[derive(Debug, Serialize)]
struct EventJson<'a> {
    seq: u64,
    time_ns: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    /// OVERFLOW: records this reader missed before `seq`.
    #[serde(skip_serializing_if = "Option::is_none")]
    lost: Option<u64>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    limit: Option<LimitEventJson<'a>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    ended: Option<EndedJson<'a>>,
}

/// "reboot" and "halt" events: who asked, in which context.
#[derive(Debug, Serialize)]
struct EndedJson<'a> {
    ctx_id: u64,
    ctx_path: Option<&'a str>,
    pid: i32,
    tgid: i32,
    comm: &'a str,
}

#[derive(Debug, Serialize)]
struct LimitEventJson<'a> {
    /// "nproc", "nthreads", "rss" (or "resN" for one this tool does not know).
    resource: String,
    ctx_id: u64,
    /// The context's path as this reader names it; null if it is gone.
    ctx_path: Option<&'a str>,
    origin_id: u64,
    origin_path: Option<&'a str>,
    /// A number, or "max".
    limit: crate::view::acct_json::LimitValue,
    attempted: u64,
    pid: i32,
    tgid: i32,
    comm: &'a str,
}

/// Context ids to paths, as the reader names them (contexts may be gone).
type Names = HashMap<u64, String>;

fn names(device: &Device) -> Names {
    let Ok(entries) = device.list("/", true) else {
        return Names::new();
    };
    let paths = preorder_paths(&entries, "/");
    entries.iter().map(|e| e.id).zip(paths).collect()
}

fn resource_name(r: &Result<vctx_lib::Resource, u32>) -> String {
    match r {
        Ok(r) => r.name().to_owned(),
        Err(n) => format!("res{n}"),
    }
}

fn to_json<'a>(e: &'a Event, names: &'a Names) -> EventJson<'a> {
    let (kind, lost, limit) = match &e.kind {
        EventKind::Limit {
            resource,
            ctx_id,
            origin_id,
            limit,
            attempted,
            pid,
            tgid,
            comm,
        } => (
            "limit",
            None,
            Some(LimitEventJson {
                resource: resource_name(resource),
                ctx_id: *ctx_id,
                ctx_path: names.get(ctx_id).map(String::as_str),
                origin_id: *origin_id,
                origin_path: names.get(origin_id).map(String::as_str),
                limit: (*limit).into(),
                attempted: *attempted,
                pid: pid.unwrap_or(0),
                tgid: tgid.unwrap_or(0),
                comm,
            }),
        ),
        EventKind::Overflow { lost } => ("overflow", Some(*lost), None),
        EventKind::Ended { halt, .. } => (if *halt { "halt" } else { "reboot" }, None, None),
        EventKind::Unknown { .. } => ("unknown", None, None),
    };
    let ended = match &e.kind {
        EventKind::Ended {
            ctx_id,
            pid,
            tgid,
            comm,
            ..
        } => Some(EndedJson {
            ctx_id: *ctx_id,
            ctx_path: names.get(ctx_id).map(String::as_str),
            pid: *pid,
            tgid: *tgid,
            comm,
        }),
        _ => None,
    };
    EventJson {
        seq: e.seq,
        time_ns: e.time_ns,
        kind,
        lost,
        limit,
        ended,
    }
}

/// One line: "[  12.345678] #7 /web: nproc limit 4 refused 5 (pid 120 forkn)".
fn line(e: &Event, names: &Names) -> String {
    let time = format!(
        "[{:5}.{:06}] #{}",
        e.time_ns / 1_000_000_000,
        e.time_ns % 1_000_000_000 / 1000,
        e.seq
    );
    let name = |id: &u64| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("(id {id})"))
    };
    match &e.kind {
        EventKind::Limit {
            resource,
            ctx_id,
            origin_id,
            limit,
            attempted,
            pid,
            tgid,
            comm,
        } => {
            let bytes = matches!(resource, Ok(r) if r.is_bytes());
            let fig = |v: u64| if bytes { human::size(v) } else { v.to_string() };
            let verb = if bytes { "crossed by" } else { "refused" };
            let origin = if origin_id == ctx_id {
                String::new()
            } else {
                format!(" in {}", name(origin_id))
            };
            let who = match (pid, tgid) {
                (Some(p), Some(t)) if p != t => format!("pid {t} tid {p}"),
                (Some(p), _) => format!("pid {p}"),
                (None, _) => "no process".to_owned(),
            };
            format!(
                "{time} {}: {} limit {} {verb} {} ({who} {comm}{origin})\n",
                name(ctx_id),
                resource_name(resource),
                limit.map_or_else(|| "max".to_owned(), fig),
                fig(*attempted),
            )
        }
        EventKind::Overflow { lost } => {
            format!("{time} overflow: {lost} events were lost (read faster)\n")
        }
        EventKind::Ended {
            halt,
            ctx_id,
            pid,
            comm,
            ..
        } => {
            let what = if *halt { "halt" } else { "reboot" };
            format!(
                "{time} {}: {what} requested (pid {pid} {comm}): ending the context\n",
                name(ctx_id)
            )
        }
        EventKind::Unknown { kind } => format!("{time} unknown event type {kind}\n"),
    }
}

fn print(events: &[Event], names: &mut Names, device: &Device, json: bool) -> anyhow::Result<()> {
    // A context created since the last look: refresh the names once.
    let unknown = events.iter().any(|e| match &e.kind {
        EventKind::Limit {
            ctx_id, origin_id, ..
        } => !names.contains_key(ctx_id) || !names.contains_key(origin_id),
        EventKind::Ended { ctx_id, .. } => !names.contains_key(ctx_id),
        _ => false,
    });
    if unknown {
        *names = self::names(device);
    }
    let mut out = io::stdout().lock();
    for e in events {
        if json {
            out.write_all(crate::view::output::json_line(&to_json(e, names))?.as_bytes())?;
        } else {
            out.write_all(line(e, names).as_bytes())?;
        }
    }
    Ok(out.flush()?)
}

pub fn run(follow: bool, json: bool) -> anyhow::Result<()> {
    let device = Device::open()?;
    // An older module has no read(): say so instead of "invalid argument".
    if device
        .version()
        .is_ok_and(|v| v.features & abi::VCTX_FEAT_EVENTS == 0)
    {
        anyhow::bail!("the module has no limit events (is it older than this tool?)");
    }
    let mut names = names(&device);
    let mut watch = crate::sys::cgevents::Watch::default();
    loop {
        let events = device.read_events()?;
        print(&events, &mut names, &device, json)?;
        let contexts: Vec<(u64, String)> = names.iter().map(|(id, p)| (*id, p.clone())).collect();
        let cg = watch.poll(&device, &contexts);
        let mut out = io::stdout().lock();
        for e in &cg {
            if json {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
            } else {
                out.write_all(e.line().as_bytes())?;
            }
        }
        out.flush()?;
        drop(out);
        if !follow {
            return Ok(());
        }
        // Cgroup counters are looked at once a second.
        if !device.poll_events(Some(std::time::Duration::from_secs(1)))? {
            names = self::names(&device);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vctx_lib::Resource;

    fn limit(resource: Result<Resource, u32>, pid: i32, tgid: i32) -> Event {
        Event {
            seq: 7,
            time_ns: 12_345_678_901,
            kind: EventKind::Limit {
                resource,
                ctx_id: 3,
                origin_id: 4,
                limit: Some(4),
                attempted: 5,
                pid: Some(pid),
                tgid: Some(tgid),
                comm: "forkn".into(),
            },
        }
    }

    fn names() -> Names {
        [(3, "/web".to_owned()), (4, "/web/app".to_owned())].into()
    }

    #[test]
    fn text() {
        assert_eq!(
            line(&limit(Ok(Resource::Nproc), 120, 120), &names()),
            "[   12.345678] #7 /web: nproc limit 4 refused 5 (pid 120 forkn in /web/app)\n"
        );
        assert_eq!(
            line(&limit(Ok(Resource::Nthreads), 121, 120), &Names::new()),
            "[   12.345678] #7 (id 3): nthreads limit 4 refused 5 (pid 120 tid 121 forkn in (id 4))\n"
        );
        let mut rss = limit(Ok(Resource::Rss), 5, 5);
        if let EventKind::Limit {
            limit,
            attempted,
            origin_id,
            ..
        } = &mut rss.kind
        {
            *limit = Some(1 << 20);
            *attempted = 3 << 20;
            *origin_id = 3;
        }
        assert_eq!(
            line(&rss, &names()),
            "[   12.345678] #7 /web: rss limit 1.0M crossed by 3.0M (pid 5 forkn)\n"
        );
        let overflow = Event {
            seq: 2000,
            time_ns: 0,
            kind: EventKind::Overflow { lost: 976 },
        };
        assert_eq!(
            line(&overflow, &names()),
            "[    0.000000] #2000 overflow: 976 events were lost (read faster)\n"
        );
    }

    #[test]
    fn json_lines() {
        let names = names();
        let ev = limit(Ok(Resource::Nproc), 120, 120);
        let v = serde_json::to_value(to_json(&ev, &names)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "seq": 7, "time_ns": 12_345_678_901u64, "type": "limit",
                "resource": "nproc", "ctx_id": 3, "ctx_path": "/web",
                "origin_id": 4, "origin_path": "/web/app", "limit": 4, "attempted": 5,
                "pid": 120, "tgid": 120, "comm": "forkn"
            })
        );
        let overflow = Event {
            seq: 9,
            time_ns: 1,
            kind: EventKind::Overflow { lost: 3 },
        };
        let v = serde_json::to_value(to_json(&overflow, &names)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"seq": 9, "time_ns": 1, "type": "overflow", "lost": 3})
        );
        let unknown = limit(Err(9), 1, 1);
        let v = serde_json::to_value(to_json(&unknown, &Names::new())).unwrap();
        assert_eq!(v["resource"], "res9");
        assert_eq!(v["ctx_path"], serde_json::Value::Null);
    }
}
