//! Human output of the CLI: aligned columns measured in terminal cells (emoji are two wide).

use unicode_width::UnicodeWidthStr;

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

/// Cuts `text` to at most `max` cells, ending with `…` when cut.
pub fn truncate_cells(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
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
    fn hostile_cells_are_cleaned_and_long_ones_cut() {
        let mut t = Table::new(&["A"]);
        t.row(vec!["x\u{1b}[2Jy\nz".into()]);
        assert_eq!(t.render().lines().nth(1), Some("xy z"));
        assert_eq!(truncate_cells("hello world", 6), "hello…");
        assert_eq!(truncate_cells("hi", 6), "hi");
    }
}
