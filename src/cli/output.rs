//! The CLI's output: aligned columns measured in terminal cells (emoji are two wide), and
//! writing to stdout. Write errors come back as values instead of the panic of `print!`, so that
//! a reader closing the pipe early (`reactions ... | head`) ends the command quietly, as it would
//! end any other Unix tool.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use crate::pubnub::Timetoken;
use crate::text::single_line;

/// A table printed with columns padded to their widest cell. The last column is not padded.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Self {
            rows: vec![headers.iter().map(|h| h.to_string()).collect()],
        }
    }

    /// Adds a row; cells are made single-line and safe for the terminal.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.iter().map(|c| single_line(c).into_owned()).collect());
    }

    pub fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if i + 1 < row.len() {
                    let pad = widths[i].saturating_sub(cell.width()) + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A timetoken and its local time, as two cells.
pub fn time_cells(tt: Timetoken) -> [String; 2] {
    [tt.to_string(), tt.local_string()]
}

/// Prints the service's warning (a 207 answer) on stderr.
pub fn warn(warning: Option<&str>) {
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
}

/// Says on stderr something the output does not show, such as more results than were printed.
pub fn note(text: &str) {
    eprintln!("note: {text}");
}

/// Writes `text` to stdout and flushes it, so that a closed pipe is reported here and not lost
/// at exit.
pub fn write(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `line` and a newline to stdout.
pub fn write_line(line: impl std::fmt::Display) -> io::Result<()> {
    write(&format!("{line}\n"))
}

/// Whether `error` means that whoever read stdout has gone (a closed pipe): the output is no
/// longer wanted, which is no failure.
pub fn reader_gone(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_with_wide_emoji() {
        let mut t = Table::new(&["VALUE", "USER"]);
        t.row(vec!["👍".into(), "alice".into()]);
        t.row(vec!["smiley_face".into(), "bob".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        let col = |l: &str, word: &str| l[..l.find(word).unwrap()].width();
        assert_eq!(col(lines[0], "USER"), col(lines[1], "alice"));
        assert_eq!(col(lines[1], "alice"), col(lines[2], "bob"));
    }

    #[test]
    fn hostile_cells_are_cleaned() {
        let mut t = Table::new(&["A"]);
        t.row(vec!["x\u{1b}[2Jy\nz".into()]);
        assert_eq!(t.render().lines().nth(1), Some("xy z"));
    }

    #[test]
    fn only_a_broken_pipe_means_the_reader_is_gone() {
        assert!(reader_gone(&io::Error::from(io::ErrorKind::BrokenPipe)));
        assert!(!reader_gone(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
    }

    #[test]
    fn cells_cut_to_a_width_keep_joined_emoji_whole() {
        // The CLI's message column is cut by the one width-aware truncation.
        let family = "👨\u{200d}👩\u{200d}👧";
        let cut = crate::text::truncate(&format!("{family}{family}{family}"), 5);
        assert_eq!(cut, format!("{family}{family}…"));
    }
}
