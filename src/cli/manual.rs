//! What a command-line tool is expected to ship besides its commands: shell completion scripts
//! (`reactions completions SHELL`, clap_complete) and the manual page (`reactions man`,
//! clap_mangen), both generated from the one clap definition in [`super::args`], so they never
//! fall behind a flag.
//!
//! The manual page is printed by the binary rather than written by a build script: it then
//! always describes the binary that is installed, a build needs no extra step, and a packager
//! writes it where the platform wants it (`reactions man > reactions.1`).

use std::io;

use clap::CommandFactory;
use clap_complete::Shell;

use super::CommandError;
use super::args::Cli;
use super::output;

/// The completion script for `shell`, for the binary named `reactions`.
pub fn completions(shell: Shell) -> Result<(), CommandError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "reactions", &mut script);
    write_bytes(&script)
}

/// The manual page of `reactions` (roff), with a section per subcommand.
pub fn man_page() -> Result<(), CommandError> {
    let mut page = Vec::new();
    render_man(&mut page).map_err(|e| CommandError::Other(format!("man page: {e}")))?;
    write_bytes(&page)
}

fn render_man(out: &mut Vec<u8>) -> io::Result<()> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    // Each subcommand's own arguments and flags (nested ones too, `actions list`), as a
    // section of the one page.
    for sub in command.get_subcommands() {
        render_subcommand(out, sub, "reactions")?;
    }
    man.render_version_section(out)?;
    Ok(())
}

/// `reactions NAME`'s section: its synopsis and options, then its own subcommands'.
fn render_subcommand(out: &mut Vec<u8>, sub: &clap::Command, parent: &str) -> io::Result<()> {
    if sub.is_hide_set() {
        return Ok(());
    }
    let full = format!("{parent} {}", sub.get_name());
    let sub_man = clap_mangen::Man::new(sub.clone().bin_name(full.clone()));
    let mut body = Vec::new();
    sub_man.render_synopsis_section(&mut body)?;
    sub_man.render_description_section(&mut body)?;
    sub_man.render_options_section(&mut body)?;
    // clap_mangen starts each section with `.SH NAME`: under the subcommand's heading they
    // are sub-sections.
    let body = String::from_utf8_lossy(&body).replace("\n.SH ", "\n.SS ");
    let body = match body.strip_prefix(".SH ") {
        Some(rest) => format!(".SS {rest}"),
        None => body,
    };
    out.extend_from_slice(format!(".SH \"{}\"\n", full.to_uppercase()).as_bytes());
    out.extend_from_slice(body.as_bytes());
    for nested in sub.get_subcommands() {
        render_subcommand(out, nested, &full)?;
    }
    Ok(())
}

fn write_bytes(bytes: &[u8]) -> Result<(), CommandError> {
    output::write(&String::from_utf8_lossy(bytes)).map_err(CommandError::from)
}
