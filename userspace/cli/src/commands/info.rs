//! `vctx info PATH`: one context in detail.

use vctx_lib::{Device, Info};

use crate::commands::ls::flags_cell;
use crate::human;
use crate::json::EntryJson;
use crate::output;
use crate::paths::normalize;
use crate::table::key_values;

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let info = Device::open()?.info(&normalize(path))?;
    if json {
        output::json(&EntryJson::new(&info.entry, info.path.clone()))
    } else {
        Ok(output::text(&render(&info, human::boottime_ns()))?)
    }
}

fn render(info: &Info, now_ns: u64) -> String {
    let e = &info.entry;
    key_values(&[
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
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::tests::entry;

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
            render(&info, 61_000_000_000),
            "path:              /web\n\
             id:                3\n\
             parent:            1\n\
             flags:             -\n\
             created:           1m00s ago\n\
             children:          0\n\
             processes:         2\n\
             threads:           2\n\
             subtree processes: 5\n\
             total processes:   40\n"
        );
    }

    #[test]
    fn root_has_no_parent() {
        let info = Info {
            path: "/".into(),
            entry: entry("", 0, 0, 0),
        };
        assert!(render(&info, 0).contains("parent:            none\n"));
    }
}
