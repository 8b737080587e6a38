//! Writing a listing page by page as it arrives (`--all`), in constant memory: JSON as one
//! valid document written a piece at a time (`{"actions":[` ... `]}`), JSON lines (one object
//! a line, `--jsonl`), or columns whose widths are fixed by the first page (a later, wider
//! cell pushes the rest of its row along). Each page is flushed when written, so that a reader
//! sees the first page while later ones are still being fetched.

use std::io::{self, BufWriter, Stdout, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::output::padded_line;
use crate::text::single_line;

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

impl Format {
    /// From the `--json` and `--jsonl` flags (clap keeps them exclusive).
    pub fn of(json: bool, jsonl: bool) -> Self {
        match (json, jsonl) {
            (_, true) => Format::Jsonl,
            (true, false) => Format::Json,
            (false, false) => Format::Table,
        }
    }
}

/// The text around the items of a JSON document: `open` before the first item, `close` after
/// the last, `empty` instead of both when there is none.
#[derive(Debug, Clone)]
pub struct Document {
    pub open: String,
    pub close: &'static str,
    pub empty: &'static str,
}

/// A listing being written to stdout.
pub struct Listing {
    out: BufWriter<Stdout>,
    kind: Kind,
    written: usize,
}

enum Kind {
    Json(Document),
    Jsonl,
    Table {
        headers: Vec<String>,
        widths: Vec<usize>,
    },
}

impl Listing {
    /// A JSON listing (`Json` or `Jsonl` as `format` says) or columns with `headers`.
    pub fn new(format: Format, document: Document, headers: &[&str]) -> Self {
        let kind = match format {
            Format::Json => Kind::Json(document),
            Format::Jsonl => Kind::Jsonl,
            Format::Table => Kind::Table {
                headers: headers.iter().map(|h| h.to_string()).collect(),
                widths: Vec::new(),
            },
        };
        Listing {
            out: BufWriter::new(io::stdout()),
            kind,
            written: 0,
        }
    }

    /// Whether this listing prints columns (then [`Listing::page`] wants rows of cells).
    pub fn is_table(&self) -> bool {
        matches!(self.kind, Kind::Table { .. })
    }

    /// Writes one page of JSON items and flushes.
    pub fn json_page<T: Serialize>(&mut self, items: impl Iterator<Item = T>) -> io::Result<()> {
        for item in items {
            let text = serde_json::to_string(&item).map_err(io::Error::other)?;
            match &self.kind {
                Kind::Json(doc) => {
                    let before = if self.written == 0 {
                        doc.open.as_str()
                    } else {
                        ","
                    };
                    self.out.write_all(before.as_bytes())?;
                    self.out.write_all(text.as_bytes())?;
                }
                Kind::Jsonl | Kind::Table { .. } => {
                    self.out.write_all(text.as_bytes())?;
                    self.out.write_all(b"\n")?;
                }
            }
            self.written += 1;
        }
        self.out.flush()
    }

    /// Writes one page of rows of cells (made single-line and safe for the terminal) and
    /// flushes; the first page fixes the columns' widths.
    pub fn table_page(&mut self, rows: Vec<Vec<String>>) -> io::Result<()> {
        let Kind::Table { headers, widths } = &mut self.kind else {
            return Ok(());
        };
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| single_line(c).into_owned()).collect())
            .collect();
        let first = widths.is_empty();
        if first {
            *widths = headers.iter().map(|h| h.width()).collect();
            for row in &rows {
                for (i, cell) in row.iter().enumerate() {
                    if let Some(w) = widths.get_mut(i) {
                        *w = (*w).max(cell.width());
                    }
                }
            }
            let line = padded_line(headers, widths);
            self.out.write_all(line.as_bytes())?;
        }
        for row in &rows {
            self.out.write_all(padded_line(row, widths).as_bytes())?;
        }
        self.written += rows.len();
        self.out.flush()
    }

    /// Ends the listing: the JSON document's close (or the whole empty document), the header
    /// of a table with no rows.
    pub fn finish(mut self) -> io::Result<()> {
        match &self.kind {
            Kind::Json(doc) => {
                let end = if self.written == 0 {
                    doc.empty
                } else {
                    doc.close
                };
                self.out.write_all(end.as_bytes())?;
                self.out.write_all(b"\n")?;
            }
            Kind::Jsonl => {}
            Kind::Table { headers, widths } => {
                if widths.is_empty() {
                    let widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
                    self.out
                        .write_all(padded_line(headers, &widths).as_bytes())?;
                }
            }
        }
        self.out.flush()
    }
}
