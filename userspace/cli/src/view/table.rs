//! Aligned text tables (comfy-table, borderless) and key: value blocks.

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, presets};

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table with a header row; columns are as wide as their widest cell and
/// separated by two spaces; lines carry no trailing blanks.
#[derive(Debug)]
pub struct Table {
    columns: Vec<(&'static str, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&'static str, Align)]) -> Self {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.columns.len(), "table row width");
        self.rows.push(cells);
    }

    /// The table as lines of text, header first.
    pub fn render(&self) -> String {
        let mut t = comfy_table::Table::new();
        // No borders, no wrapping: the header is the first row, columns are
        // two blanks apart.
        t.load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        t.add_row(self.columns.iter().map(|(h, _)| *h));
        for row in &self.rows {
            t.add_row(row);
        }
        let last = self.columns.len().saturating_sub(1);
        for (i, col) in t.column_iter_mut().enumerate() {
            col.set_padding((0, if i == last { 0 } else { 2 }));
            col.set_cell_alignment(match self.columns[i].1 {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
            });
            col.set_constraint(ColumnConstraint::ContentWidth);
        }
        let mut out = String::new();
        for line in t.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// "key: value" lines with the values aligned.
pub fn key_values(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    pairs
        .iter()
        .map(|(k, v)| format!("{:<width$} {v}\n", format!("{k}:")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&[
            ("NAME", Align::Left),
            ("ID", Align::Right),
            ("FLAGS", Align::Left),
        ]);
        t.row(vec!["web".into(), "3".into(), "-".into()]);
        t.row(vec!["database".into(), "12".into(), "ephemeral".into()]);
        assert_eq!(
            t.render(),
            "NAME      ID  FLAGS\n\
             web        3  -\n\
             database  12  ephemeral\n"
        );
    }

    #[test]
    fn header_only_when_empty() {
        let t = Table::new(&[("PID", Align::Right), ("COMMAND", Align::Left)]);
        assert_eq!(t.render(), "PID  COMMAND\n");
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut t = Table::new(&[("A", Align::Left), ("B", Align::Left)]);
        t.row(vec!["é".into(), "x".into()]);
        assert_eq!(t.render(), "A  B\né  x\n");
    }

    #[test]
    fn key_value_block() {
        let kv = key_values(&[("id", "3".into()), ("subtree processes", "4".into())]);
        assert_eq!(kv, "id:                3\nsubtree processes: 4\n");
    }
}
