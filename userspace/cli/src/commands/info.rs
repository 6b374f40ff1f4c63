//! `vctx info PATH`: one context in detail.

use serde::Serialize;
use vctx_lib::{Device, Info, Namespaces};

use crate::spec::paths::normalize;
use crate::view::human;
use crate::view::human::flags_cell;
use crate::view::json::EntryJson;
use crate::view::output;
use crate::view::table::key_values;

/// Show the details of one context
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context to describe
    pub path: String,
}

/// One namespace the context is in (`namespaces` of `vctx info --json`).
#[derive(Debug, Serialize)]
struct NsJson {
    /// "uts", "pid", ... as in /proc/PID/ns.
    #[serde(rename = "type")]
    kind: &'static str,
    /// Its inode number, as `readlink /proc/PID/ns/TYPE` shows it.
    ino: u64,
    /// Held by this context (false: inherited from the ancestor `holder_id`).
    own: bool,
    holder_id: u64,
}

/// The cgroup the context is in (`cgroup` of `vctx info --json`).
#[derive(Debug, Serialize)]
struct CgroupJson {
    /// Its directory.
    dir: String,
    /// Bound to this context (false: inherited from an ancestor).
    own: bool,
    frozen: bool,
}

#[derive(Debug, Serialize)]
struct InfoJson {
    #[serde(flatten)]
    entry: EntryJson<u32>,
    namespaces: Vec<NsJson>,
    /// The capability mask (bits 1 << CAP_*) and its names.
    caps: u64,
    cap_names: Vec<String>,
    /// null: in no cgroup.
    cgroup: Option<CgroupJson>,
}

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let device = Device::open()?;
    let path = normalize(path);
    let info = device.info(&path)?;
    // A module without namespaces (ENOTTY) has none to show.
    let ns = device.ns_get(&path).unwrap_or_default();
    let cg = crate::sys::cgroup::current_dir(&device, &path)
        .ok()
        .flatten()
        .map(|(dir, holder)| CgroupJson {
            frozen: crate::sys::cgstat::keyed(&dir, "cgroup.events").get("frozen") == Some(&1),
            dir: dir.display().to_string(),
            own: holder == info.entry.id,
        });
    if json {
        let namespaces = ns
            .entries()
            .into_iter()
            .map(|(t, ino, own)| NsJson {
                kind: t.name,
                ino,
                own,
                holder_id: ns.holder[t.index as usize],
            })
            .collect();
        output::json(&InfoJson {
            entry: EntryJson::new(&info.entry, info.path.clone()),
            namespaces,
            caps: info.entry.caps,
            cap_names: crate::spec::capspec::names(info.entry.caps),
            cgroup: cg,
        })
    } else {
        let mut text = render(&info, &ns, crate::sys::clock::boottime_ns());
        if let Some(c) = cg {
            let rows = [
                (
                    "cgroup",
                    format!("{}{}", c.dir, if c.own { "" } else { " (inherited)" }),
                ),
                ("frozen", if c.frozen { "yes" } else { "no" }.to_owned()),
            ];
            text.push_str(&key_values(&rows));
        }
        Ok(output::text(&text)?)
    }
}

/// `uts:[4026532194] net:[4026532197]`, inherited ones marked with `^`.
fn ns_cell(ns: &Namespaces) -> String {
    ns.entries()
        .iter()
        .map(|(t, ino, own)| format!("{}:[{ino}]{}", t.name, if *own { "" } else { "^" }))
        .collect::<Vec<_>>()
        .join(" ")
}

fn render(info: &Info, ns: &Namespaces, now_ns: u64) -> String {
    let e = &info.entry;
    let mut rows = vec![
        ("path", info.path.clone()),
        ("id", e.id.to_string()),
        (
            "parent",
            e.parent_id
                .map_or_else(|| "none".to_owned(), |p| p.to_string()),
        ),
        ("flags", flags_cell(e.flags)),
        (
            "created",
            format!("{} ago", human::age(e.created_ns, now_ns)),
        ),
        ("children", e.children.to_string()),
        ("processes", e.processes.to_string()),
        ("threads", e.threads.to_string()),
        ("subtree processes", e.subtree_processes.to_string()),
        ("total processes", e.total_processes.to_string()),
        ("caps", crate::spec::capspec::describe(e.caps)),
    ];
    if ns.mask != 0 {
        rows.push(("namespaces", ns_cell(ns)));
    }
    key_values(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::paths::tests::entry;

    #[test]
    fn text() {
        let mut e = entry("web", 3, 0, 2);
        e.parent_id = Some(1);
        e.subtree_processes = 5;
        e.total_processes = 40;
        let info = Info {
            path: "/web".into(),
            entry: e,
        };
        assert_eq!(
            render(&info, &Namespaces::default(), 61_000_000_000),
            "path:              /web\n\
             id:                3\n\
             parent:            1\n\
             flags:             -\n\
             created:           1m00s ago\n\
             children:          0\n\
             processes:         2\n\
             threads:           2\n\
             subtree processes: 5\n\
             total processes:   40\n\
             caps:              none\n"
        );
    }

    #[test]
    fn root_has_no_parent() {
        let info = Info {
            path: "/".into(),
            entry: entry("", 0, 0, 0),
        };
        assert!(render(&info, &Namespaces::default(), 0).contains("parent:            none\n"));
    }

    #[test]
    fn namespaces_line() {
        let info = Info {
            path: "/c".into(),
            entry: entry("c", 4, 0, 1),
        };
        let mut ns = Namespaces {
            own: 1,           // uts
            mask: 1 | 1 << 3, // uts, net
            ..Default::default()
        };
        ns.ino[0] = 4_026_532_194;
        ns.ino[3] = 4_026_532_197;
        assert!(
            render(&info, &ns, 0)
                .ends_with("namespaces:        uts:[4026532194] net:[4026532197]^\n"),
            "{}",
            render(&info, &ns, 0)
        );
    }
}
