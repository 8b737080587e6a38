//! Writing a command's output to stdout. Errors come back as values instead of the panic of
//! `print!`, so that a reader closing the pipe early (`reactions ... | head`) ends the command
//! quietly, as it would end any other Unix tool.

use std::io::{self, Write};

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
    fn only_a_broken_pipe_means_the_reader_is_gone() {
        assert!(reader_gone(&io::Error::from(io::ErrorKind::BrokenPipe)));
        assert!(!reader_gone(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
    }
}
