//! Output: text tables, trees, human-readable figures, the JSON documents
//! and the Prometheus text. Formats what `sys` and vctx-lib read; uses
//! `spec` and `sys` (their types), never `top` or `commands`.

pub mod acct_json;
pub mod cgtable;
pub mod human;
pub mod json;
pub mod limits;
pub mod metrics;
pub mod output;
pub mod table;
pub mod treeview;
