//! The interactive `vctx top` (a terminal on stdout, no --once, --json or
//! -n): a ratatui table of the frames `top::frame` computes, redrawn every
//! --interval and on every key or resize.
//!
//! The state and its drawing are pure ([`App`]: keys in, a ratatui frame
//! out) so tests drive them on ratatui's TestBackend; [`run`] owns the
//! terminal (raw mode and the alternate screen, restored on every way out:
//! q, Ctrl-C, SIGTERM/SIGHUP/SIGINT, an error, a panic).
//!
//! Test hook: with `VCTX_TOP_PANIC_AFTER=N` in the environment, the loop
//! panics on purpose after drawing N frames (N >= 1), so that the tests
//! can see a panic restore the terminal (tests/suite-operator.sh). No
//! other name or value does anything.

use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState};
use vctx_lib::Snapshot;

use crate::sys::cgstat::Quota;
use crate::top::frame::{Frame, SortKey, frame};
use crate::view::human;
use crate::view::table::Align;

/// The cgroup quotas of a reading's contexts, by id.
pub type Quotas = HashMap<u64, Quota>;

/// Where the readings come from (the device and the cgroup files; a fixed
/// list in tests): a snapshot and the quotas of its contexts.
pub trait Source {
    fn read(&mut self) -> anyhow::Result<(Snapshot, Quotas)>;
}

/// The machine figures of the header (not the contexts').
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Host {
    pub cpus: usize,
    pub mem_total_bytes: u64,
    /// /proc/loadavg's three figures, as written there.
    pub loadavg: String,
}

impl Host {
    /// What /proc and the scheduler say now (what is unreadable is empty).
    pub fn read() -> Self {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        let loadavg = std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        Host {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            mem_total_bytes: mem_kib * 1024,
            loadavg,
        }
    }
}

/// What a key asks of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Redraw (the state changed, or nothing did).
    Redraw,
    /// Leave, restoring the terminal.
    Quit,
}

/// The keys, as the help shows them.
const HELP: &[(&str, &str)] = &[
    (
        "c m p f i n",
        "sort by cpu, memory (rss), processes, forks, I/O, name",
    ),
    ("Up Down j k", "select a context (PgUp PgDn Home End)"),
    ("Enter", "fold or unfold the selected context's subtree"),
    ("Left Right", "fold, unfold"),
    ("Space", "pause (keep the figures), again to resume"),
    ("?", "this help (any key closes it)"),
    ("q Esc Ctrl-C", "quit"),
];

/// The interactive state: what is shown and how.
#[derive(Debug)]
pub struct App {
    pub base: String,
    pub interval: Duration,
    pub sort: SortKey,
    pub paused: bool,
    pub help: bool,
    /// Contexts (ids) whose subtrees are folded away.
    pub collapsed: HashSet<u64>,
    /// The selected context (an id: it keeps its place across refreshes).
    pub selected: Option<u64>,
    /// One line for the status bar (an unknown key, an error).
    pub message: Option<String>,
    pub host: Host,
    prev: Snapshot,
    cur: Snapshot,
    quotas: Quotas,
    frame: Frame,
}

impl App {
    /// Starts with one reading: no rates until the next.
    pub fn new(
        base: &str,
        interval: Duration,
        sort: SortKey,
        host: Host,
        (first, quotas): (Snapshot, Quotas),
    ) -> Self {
        let frame = frame(&first, &first, &quotas, base, sort);
        App {
            base: base.to_owned(),
            interval,
            sort,
            paused: false,
            help: false,
            collapsed: HashSet::new(),
            selected: frame.contexts.first().map(|r| r.id),
            message: None,
            host,
            prev: first.clone(),
            cur: first,
            quotas,
            frame,
        }
    }

    /// A new reading: the rates are from the last one to it.
    pub fn update(&mut self, (snap, quotas): (Snapshot, Quotas)) {
        self.prev = std::mem::replace(&mut self.cur, snap);
        self.quotas = quotas;
        self.recompute();
    }

    #[cfg(test)]
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    fn recompute(&mut self) {
        self.frame = frame(&self.prev, &self.cur, &self.quotas, &self.base, self.sort);
        let ids: HashSet<u64> = self.frame.contexts.iter().map(|r| r.id).collect();
        self.collapsed.retain(|id| ids.contains(id));
        // A selected context that went away, or got folded into an
        // ancestor: select the nearest shown row above where it was.
        let visible = self.visible();
        if !self
            .selected
            .is_some_and(|id| visible.iter().any(|&i| self.frame.contexts[i].id == id))
        {
            self.selected = visible.first().map(|&i| self.frame.contexts[i].id);
        }
    }

    /// The rows shown (indexes into the frame's contexts).
    pub fn visible(&self) -> Vec<usize> {
        self.frame.visible(&self.collapsed)
    }

    /// The position of the selection among the visible rows.
    fn cursor(&self, visible: &[usize]) -> usize {
        visible
            .iter()
            .position(|&i| Some(self.frame.contexts[i].id) == self.selected)
            .unwrap_or(0)
    }

    fn select_at(&mut self, visible: &[usize], pos: usize) {
        if let Some(&i) = visible.get(pos.min(visible.len().saturating_sub(1))) {
            self.selected = Some(self.frame.contexts[i].id);
        }
    }

    fn set_sort(&mut self, key: SortKey) {
        self.sort = key;
        self.recompute();
    }

    /// Folds (`Some(true)`), unfolds (`Some(false)`) or toggles the
    /// selected context's subtree.
    fn fold(&mut self, fold: Option<bool>) {
        let Some(id) = self.selected else { return };
        let Some(index) = self.frame.contexts.iter().position(|r| r.id == id) else {
            return;
        };
        if !self.frame.has_children(index) {
            self.message = Some(format!(
                "{} has no contexts below it",
                self.frame.contexts[index].path
            ));
            return;
        }
        let folded = self.collapsed.contains(&id);
        if fold.unwrap_or(!folded) {
            self.collapsed.insert(id);
        } else {
            self.collapsed.remove(&id);
        }
    }

    /// Handles one key.
    pub fn on_key(&mut self, key: KeyEvent) -> Action {
        if key.kind != KeyEventKind::Press {
            return Action::Redraw;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if self.help {
            // Any key closes the help; q still quits.
            self.help = false;
            return if key.code == KeyCode::Char('q') {
                Action::Quit
            } else {
                Action::Redraw
            };
        }
        self.message = None;
        let visible = self.visible();
        let pos = self.cursor(&visible);
        let page = 10;
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('?') | KeyCode::Char('h') | KeyCode::F(1) => self.help = true,
            KeyCode::Char('c') => self.set_sort(SortKey::Cpu),
            KeyCode::Char('m') => self.set_sort(SortKey::Rss),
            KeyCode::Char('p') => self.set_sort(SortKey::Procs),
            KeyCode::Char('f') => self.set_sort(SortKey::Forks),
            KeyCode::Char('i') => self.set_sort(SortKey::Io),
            KeyCode::Char('n') => self.set_sort(SortKey::Name),
            KeyCode::Char(' ') => self.paused = !self.paused,
            KeyCode::Down | KeyCode::Char('j') => self.select_at(&visible, pos + 1),
            KeyCode::Up | KeyCode::Char('k') => self.select_at(&visible, pos.saturating_sub(1)),
            KeyCode::PageDown => self.select_at(&visible, pos + page),
            KeyCode::PageUp => self.select_at(&visible, pos.saturating_sub(page)),
            KeyCode::Home => self.select_at(&visible, 0),
            KeyCode::End => self.select_at(&visible, usize::MAX),
            KeyCode::Enter => self.fold(None),
            KeyCode::Left | KeyCode::Char('-') => self.fold(Some(true)),
            KeyCode::Right | KeyCode::Char('+') => self.fold(Some(false)),
            other => {
                self.message = Some(format!(
                    "unknown key {} (? lists the keys)",
                    key_name(other)
                ));
            }
        }
        Action::Redraw
    }

    /// Draws the whole screen: header, table, status line (and the help).
    pub fn draw(&self, f: &mut ratatui::Frame) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(f.area());
        f.render_widget(Paragraph::new(self.header()), head);
        self.draw_table(f, body);
        let status = self.message.clone().unwrap_or_else(|| {
            "q quit  ? help  c/m/p/f/i/n sort  Enter fold  Space pause".to_owned()
        });
        f.render_widget(
            Paragraph::new(status).style(Style::new().add_modifier(Modifier::REVERSED)),
            foot,
        );
        if self.help {
            self.draw_help(f);
        }
    }

    fn header(&self) -> Vec<Line<'static>> {
        let f = &self.frame;
        let root = f.contexts.first();
        let cpu = root
            .and_then(|r| r.cpu_percent)
            .map_or_else(|| "-".to_owned(), |v| format!("{v:.1}%"));
        let state = if self.paused { "  PAUSED" } else { "" };
        let first = Line::from(vec![
            Span::styled("vctx top", Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(format!(
                " {}  every {}  sorted by {}{state}",
                self.base,
                human::duration(u64::try_from(self.interval.as_nanos()).unwrap_or(u64::MAX)),
                self.sort.name(),
            )),
        ]);
        let second = Line::from(format!(
            "{} contexts  {} processes  cpu {cpu} of {} CPUs  rss {} of {}  load {}",
            f.contexts.len(),
            root.map_or(0, |r| r.processes),
            self.host.cpus,
            human::size(root.map_or(0, |r| r.rss_bytes)),
            human::size(self.host.mem_total_bytes),
            if self.host.loadavg.is_empty() {
                "-"
            } else {
                &self.host.loadavg
            },
        ));
        vec![first, second]
    }

    fn draw_table(&self, f: &mut ratatui::Frame, area: Rect) {
        let visible = self.visible();
        let labels: Vec<(&crate::top::frame::Row, String)> = self.frame.labels().collect();
        let columns = self.frame.columns();
        let cells: Vec<Vec<String>> = visible
            .iter()
            .map(|&i| {
                let (row, label) = &labels[i];
                let fold = if self.collapsed.contains(&row.id) {
                    " [+]"
                } else {
                    ""
                };
                columns
                    .iter()
                    .map(|c| c.cell(row, &format!("{label}{fold}")))
                    .collect()
            })
            .collect();
        let headers: Vec<String> = columns
            .iter()
            .map(|c| {
                let mark = if c.sort_key() == Some(self.sort) {
                    "▼"
                } else {
                    ""
                };
                format!("{}{mark}", c.header())
            })
            .collect();
        let widths: Vec<u16> = (0..columns.len())
            .map(|k| {
                let w = cells
                    .iter()
                    .map(|r| r[k].chars().count())
                    .chain([headers[k].chars().count()])
                    .max()
                    .unwrap_or(0);
                u16::try_from(w).unwrap_or(u16::MAX)
            })
            .collect();
        let align = |k: usize, text: String| -> Cell<'static> {
            let line = Line::from(text);
            Cell::from(match columns[k].align() {
                Align::Left => line.left_aligned(),
                Align::Right => line.right_aligned(),
            })
        };
        let header = Row::new(headers.into_iter().enumerate().map(|(k, h)| align(k, h)))
            .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
        let rows = cells
            .into_iter()
            .map(|r| Row::new(r.into_iter().enumerate().map(|(k, c)| align(k, c))));
        let constraints = widths.iter().enumerate().map(|(k, &w)| {
            if k == 0 {
                Constraint::Min(w)
            } else {
                Constraint::Length(w)
            }
        });
        let table = Table::new(rows, constraints)
            .header(header)
            .column_spacing(2)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        let mut state = TableState::default().with_selected(Some(self.cursor(&visible)));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_help(&self, f: &mut ratatui::Frame) {
        let lines: Vec<Line> = HELP
            .iter()
            .map(|(k, what)| Line::from(format!(" {k:<13} {what}")))
            .collect();
        let area = f.area();
        let w = (lines.iter().map(Line::width).max().unwrap_or(0) + 3).min(area.width.into());
        let h = (lines.len() + 2).min(area.height.into());
        let rect = Rect {
            x: area.x + (area.width - w as u16) / 2,
            y: area.y + (area.height - h as u16) / 2,
            width: w as u16,
            height: h as u16,
        };
        f.render_widget(Clear, rect);
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(" keys ")),
            rect,
        );
    }
}

/// A key as the status line names it.
fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(c) => format!("'{c}'"),
        other => format!("{other}"),
    }
}

/// Leaves raw mode and the alternate screen (idempotent: also from the
/// panic hook, after which the guard's drop may run again).
fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Raw mode and the alternate screen for its lifetime.
struct Screen;

impl Screen {
    fn enter() -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let screen = Screen;
        execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
        // A panic prints its message on the restored terminal, not into
        // the alternate screen (and the release build aborts after it).
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// The test hook's variable (see the top of this file).
pub const PANIC_AFTER_ENV: &str = "VCTX_TOP_PANIC_AFTER";

/// The number of frames after which the test hook panics, if set to one.
fn panic_after(value: Option<std::ffi::OsString>) -> Option<u64> {
    value?.to_str()?.parse().ok().filter(|&n| n >= 1)
}

/// Runs the interactive top until q (or a signal, or an error).
pub fn run(source: &mut dyn Source, mut app: App) -> anyhow::Result<()> {
    // In raw mode Ctrl-C is a key; SIGTERM, SIGHUP and SIGINT (from kill)
    // end the loop too, so that the terminal is restored.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let _screen = Screen::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let panic_after = panic_after(std::env::var_os(PANIC_AFTER_ENV));
    event_loop(&mut terminal, source, &mut app, &stop, panic_after)
}

fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    source: &mut dyn Source,
    app: &mut App,
    stop: &AtomicBool,
    panic_after: Option<u64>,
) -> anyhow::Result<()> {
    let mut next = Instant::now() + app.interval;
    let mut frames = 0u64;
    loop {
        terminal.draw(|f| app.draw(f))?;
        frames += 1;
        if panic_after.is_some_and(|n| frames >= n) {
            panic!("{PANIC_AFTER_ENV}: the test hook's panic after {frames} frames");
        }
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= next {
                break;
            }
            // Wake at least every 200 ms to see a signal.
            let wait = (next - now).min(Duration::from_millis(200));
            if event::poll(wait)? {
                match event::read()? {
                    Event::Key(key) => {
                        if app.on_key(key) == Action::Quit {
                            return Ok(());
                        }
                        terminal.draw(|f| app.draw(f))?;
                    }
                    // ratatui resizes its buffers on the next draw.
                    Event::Resize(..) => {
                        terminal.autoresize()?;
                        terminal.draw(|f| app.draw(f))?;
                    }
                    _ => {}
                }
            }
        }
        next = Instant::now() + app.interval;
        if !app.paused {
            match source.read() {
                Ok(reading) => app.update(reading),
                Err(err) => app.message = Some(format!("{err:#}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use vctx_lib::{Counters, SnapEntry};

    const S: u64 = 1_000_000_000;

    fn entry(id: u64, depth: u32, name: &str, cpu_ns: u64, rss: u64, procs: u64) -> SnapEntry {
        let subtree = Counters {
            processes: procs,
            cpu_user_ns: cpu_ns,
            rss_bytes: rss,
            ..Default::default()
        };
        crate::top::frame::snap_entry(id, depth, name, subtree)
    }

    fn snaps() -> (Snapshot, Snapshot) {
        let prev = Snapshot {
            now_ns: 10 * S,
            entries: vec![
                entry(0, 0, "", 0, 0, 0),
                entry(1, 1, "web", 0, 0, 0),
                entry(2, 2, "app", 0, 0, 0),
                entry(3, 1, "db", 0, 0, 0),
            ],
        };
        let cur = Snapshot {
            now_ns: 11 * S,
            entries: vec![
                entry(0, 0, "", S, 6 << 20, 5),
                entry(1, 1, "web", S / 4, 2 << 20, 3),
                entry(2, 2, "app", S / 4, 2 << 20, 2),
                entry(3, 1, "db", 3 * S / 4, 4 << 20, 2),
            ],
        };
        (prev, cur)
    }

    fn host() -> Host {
        Host {
            cpus: 2,
            mem_total_bytes: 1 << 30,
            loadavg: "0.50 0.25 0.10".into(),
        }
    }

    fn app() -> App {
        app_with(Quotas::new())
    }

    /// The app after two readings, the second with these cgroup quotas.
    fn app_with(quotas: Quotas) -> App {
        let (prev, cur) = snaps();
        let mut app = App::new(
            "/",
            Duration::from_secs(1),
            SortKey::Cpu,
            host(),
            (prev, Quotas::new()),
        );
        app.update((cur, quotas));
        app
    }

    fn screen(app: &App, w: u16, h: u16) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        let buf = t.backend().buffer();
        (0..h)
            .map(|y| {
                let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
                line.trim_end().to_owned()
            })
            .collect()
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn renders_a_frame() {
        let lines = screen(&app(), 72, 9);
        assert_eq!(
            lines,
            [
                "vctx top /  every 1.0s  sorted by cpu",
                "4 contexts  5 processes  cpu 100.0% of 2 CPUs  rss 6.0M of 1.0G  load 0.50 0.25 0.10",
                "CONTEXT                          PROCS  CPU%▼   RSS  FORKS/s  IO/s  HITS",
                "/                                    5  100.0  6.0M      0.0    0B     0",
                "├── db                               2   75.0  4.0M      0.0    0B     0",
                "└── web                              3   25.0  2.0M      0.0    0B     0",
                "    └── app                          2   25.0  2.0M      0.0    0B     0",
                "",
                "q quit  ? help  c/m/p/f/i/n sort  Enter fold  Space pause",
            ]
            .map(|l| l.chars().take(72).collect::<String>())
        );
    }

    #[test]
    fn renders_the_cgroup_limits() {
        // /db has a cgroup of its own: cpu=50%, mem=64M, mem.high=48M.
        let quota = Quota {
            cpu_max_percent: Some(50.0),
            memory_bytes: Some(60 << 20),
            memory_max_bytes: Some(64 << 20),
            memory_high_bytes: Some(48 << 20),
        };
        let mut app = app_with(Quotas::from([(3, quota)]));
        let lines = screen(&app, 100, 9);
        assert_eq!(
            lines[2..7],
            [
                "CONTEXT                            PROCS     CPU%▼   RSS      MEM/MAX  MEM.HIGH  FORKS/s  IO/s  HITS",
                "/                                      5     100.0  6.0M            -         -      0.0    0B     0",
                "├── db                                 2  75.0/50%  4.0M  60.0M/64.0M     48.0M      0.0    0B     0",
                "└── web                                3      25.0  2.0M            -         -      0.0    0B     0",
                "    └── app                            2      25.0  2.0M            -         -      0.0    0B     0",
            ]
        );
        // Sorting by cpu still orders by use, not by quota.
        app.on_key(key(KeyCode::Char('n')));
        app.on_key(key(KeyCode::Char('c')));
        assert_eq!(app.frame().contexts[1].path, "/db");
    }

    #[test]
    fn follows_the_width() {
        // Narrow: the CONTEXT column gives way first; nothing spills.
        let lines = screen(&app(), 40, 9);
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        assert!(lines[2].starts_with("CONTEXT"), "{:?}", lines[2]);
    }

    #[test]
    fn sort_keys() {
        let mut app = app();
        let order = |app: &App| -> Vec<String> {
            app.frame()
                .contexts
                .iter()
                .map(|r| r.path.clone())
                .collect()
        };
        assert_eq!(order(&app), ["/", "/db", "/web", "/web/app"]);
        assert_eq!(app.on_key(key(KeyCode::Char('n'))), Action::Redraw);
        assert_eq!((app.sort, order(&app)[1].as_str()), (SortKey::Name, "/db"));
        app.on_key(key(KeyCode::Char('p')));
        assert_eq!(
            (app.sort, order(&app)[1].as_str()),
            (SortKey::Procs, "/web")
        );
        app.on_key(key(KeyCode::Char('m')));
        assert_eq!((app.sort, order(&app)[1].as_str()), (SortKey::Rss, "/db"));
        app.on_key(key(KeyCode::Char('f')));
        assert_eq!(app.sort, SortKey::Forks);
        app.on_key(key(KeyCode::Char('i')));
        assert_eq!(app.sort, SortKey::Io);
        app.on_key(key(KeyCode::Char('c')));
        assert_eq!(app.sort, SortKey::Cpu);
        assert!(screen(&app, 72, 9)[0].ends_with("sorted by cpu"));
    }

    #[test]
    fn select_and_fold() {
        let mut app = app();
        assert_eq!(app.selected, Some(0));
        app.on_key(key(KeyCode::Down));
        app.on_key(key(KeyCode::Down));
        assert_eq!(app.selected, Some(1)); // /web (after /db)
        app.on_key(key(KeyCode::Enter));
        assert!(app.collapsed.contains(&1));
        let lines = screen(&app, 72, 9);
        assert_eq!(
            lines[5].split_whitespace().take(3).collect::<Vec<_>>(),
            ["└──", "web", "[+]"]
        );
        assert!(!lines.iter().any(|l| l.contains("app")));
        app.on_key(key(KeyCode::Right));
        assert!(app.collapsed.is_empty());
        // A leaf has nothing to fold: one line says so.
        app.on_key(key(KeyCode::End));
        assert_eq!(app.selected, Some(2));
        app.on_key(key(KeyCode::Enter));
        assert_eq!(
            app.message.as_deref(),
            Some("/web/app has no contexts below it")
        );
        // Folding the root keeps the selection on a shown row.
        app.on_key(key(KeyCode::Home));
        app.on_key(key(KeyCode::Left));
        assert_eq!(app.visible().len(), 1);
        app.on_key(key(KeyCode::Down));
        assert_eq!(app.selected, Some(0));
    }

    #[test]
    fn a_refresh_keeps_the_selection_and_folds() {
        let mut app = app();
        app.on_key(key(KeyCode::End)); // /web/app
        app.on_key(key(KeyCode::Up)); // /web
        app.on_key(key(KeyCode::Left));
        let (_, mut next) = snaps();
        next.now_ns = 12 * S;
        next.entries.retain(|e| e.id != 3); // /db is gone
        app.update((next, Quotas::new()));
        assert_eq!(app.selected, Some(1));
        assert!(app.collapsed.contains(&1));
        assert_eq!(app.frame().contexts.len(), 3);
    }

    #[test]
    fn pause_help_and_unknown_keys() {
        let mut app = app();
        app.on_key(key(KeyCode::Char(' ')));
        assert!(app.paused);
        assert!(screen(&app, 72, 9)[0].ends_with("PAUSED"));
        app.on_key(key(KeyCode::Char('z')));
        assert_eq!(
            app.message.as_deref(),
            Some("unknown key 'z' (? lists the keys)")
        );
        assert_eq!(screen(&app, 72, 9)[8], "unknown key 'z' (? lists the keys)");
        app.on_key(key(KeyCode::Char('?')));
        assert!(app.help);
        let lines = screen(&app, 80, 14);
        assert!(lines.iter().any(|l| l.contains(" keys ")), "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("sort by cpu, memory (rss)"))
        );
        // Any key closes the help without acting; q quits from anywhere.
        assert_eq!(app.on_key(key(KeyCode::Char('n'))), Action::Redraw);
        assert!(!app.help && app.sort == SortKey::Cpu);
        assert_eq!(app.on_key(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(app.on_key(key(KeyCode::Esc)), Action::Quit);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(app.on_key(ctrl_c), Action::Quit);
    }

    #[test]
    fn the_panic_hook_needs_a_count() {
        let v = |s: &str| panic_after(Some(s.into()));
        assert_eq!(v("1"), Some(1));
        assert_eq!(v("3"), Some(3));
        assert_eq!((v("0"), v(""), v("yes"), v("-1")), (None, None, None, None));
        assert_eq!(panic_after(None), None);
    }

    #[test]
    fn first_frame_has_no_rates() {
        let (prev, _) = snaps();
        let app = App::new(
            "/",
            Duration::from_millis(500),
            SortKey::Name,
            host(),
            (prev, Quotas::new()),
        );
        let lines = screen(&app, 72, 9);
        assert_eq!(lines[0], "vctx top /  every 500ms  sorted by name");
        assert!(lines[3].contains(" -  "), "{:?}", lines[3]);
    }
}
