//! Progress of the CLI's long operations (following every page with `--all`, seeding, reading
//! the moderation log, a bulk removal) on stderr, one line rewritten in place, and only when stderr is a terminal: piped or
//! redirected, stderr holds notes, warnings and errors alone, as scripts expect.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

/// A progress line on stderr, cleared when dropped.
pub struct Progress {
    what: &'static str,
    /// stderr is a terminal.
    enabled: bool,
    /// Something was written (and must be cleared).
    shown: bool,
}

impl Progress {
    /// Progress of `what` ("actions", "seeding"), shown only when stderr is a terminal.
    pub fn new(what: &'static str) -> Self {
        Self {
            what,
            enabled: io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// Replaces the line with `what: so_far…`.
    pub fn show(&mut self, so_far: impl Display) {
        let what = self.what;
        self.show_line(format_args!("{what}: {so_far}…"));
    }

    /// Replaces the line with `line` as it is (a bar, a rate).
    pub fn show_line(&mut self, line: impl Display) {
        if !self.enabled {
            return;
        }
        let mut err = io::stderr().lock();
        // `\r` back to the line's start and `ESC[K` clears what a longer line left.
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
        self.shown = true;
    }

    /// Clears the line (before a note is written under it, or at the end).
    pub fn clear(&mut self) {
        if self.shown {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
