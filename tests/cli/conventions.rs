//! What a command-line tool is expected to have: completion scripts and a manual page made
//! from the command line's own definition, and progress on stderr only where a person watches.

use super::harness::{Env, Fixture};

#[test]
fn completion_scripts_know_the_subcommands_and_flags() {
    let env = Env::new();
    let bash = env.run(&["completions", "bash"]).ok().stdout;
    for word in [
        "actions",
        "history",
        "publish",
        "serve",
        "completions",
        "--channel",
        "--theme",
    ] {
        assert!(bash.contains(word), "bash completion offers {word}");
    }
    assert!(
        bash.contains("complete -F") && bash.contains("reactions"),
        "a bash completion function registered for reactions"
    );
    for shell in ["zsh", "fish", "powershell"] {
        let script = env.run(&["completions", shell]).ok().stdout;
        assert!(
            script.contains("history") && script.contains("moderator"),
            "{shell} completion names the subcommands and flags:\n{script}"
        );
    }
    let bad = env.run(&["completions", "tcsh"]);
    assert_eq!(bad.code, Some(2), "an unknown shell is a usage error");
    assert!(
        bad.stderr.contains("bash"),
        "and says which are known: {}",
        bad.stderr
    );
}

#[test]
fn completions_work_with_a_broken_config() {
    let env = Env::new();
    env.write_config("this is = not toml [");
    let bash = env.run(&["completions", "bash"]).ok().stdout;
    assert!(bash.contains("history"));
}

#[test]
fn the_manual_page_has_every_subcommand_and_renders() {
    let env = Env::new();
    let page = env.run(&["man"]).ok().stdout;
    assert!(
        page.starts_with(".ie")
            || page.contains(".TH reactions 1")
            || page.contains(".TH REACTIONS"),
        "a roff page:\n{}",
        &page[..page.len().min(400)]
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}");
    }
    for sub in [
        "ACTIONS",
        "HISTORY",
        "PUBLISH",
        "SERVE",
        "COMPLETIONS",
        "MAN",
    ] {
        assert!(
            page.contains(&format!(".SH \"REACTIONS {sub}\"")),
            "a section for reactions {sub}"
        );
    }
    assert!(page.contains("\\-\\-channel"), "the flags, roff-escaped");
    // Rendered as `man` would, when groff is here to do it.
    let groff = std::process::Command::new("groff")
        // As `man` does: UTF-8 input through preconv (`-k`, the help has emoji), plain UTF-8
        // text out (no overstriking for bold).
        .args(["-k", "-man", "-Tutf8", "-P-cbou", "-ww"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    match groff {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(page.as_bytes())
                .expect("feed groff");
            let out = child.wait_with_output().expect("groff runs");
            // groff draws `\-` as a minus sign and breaks words with hyphens of its own.
            let text = String::from_utf8_lossy(&out.stdout).replace(['\u{2212}', '\u{2010}'], "-");
            let warnings = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "groff: {warnings}");
            assert!(warnings.trim().is_empty(), "groff warns: {warnings}");
            assert!(
                text.contains("SYNOPSIS") && text.contains("--moderator"),
                "{text}"
            );
        }
        // CI installs groff (.ci/run): there the page must render.
        Err(e) if std::env::var_os("CI").is_some() => panic!("groff is needed in CI: {e}"),
        Err(e) => eprintln!("note: groff not found ({e}); the page's structure was checked"),
    }
}

#[test]
fn progress_goes_to_a_terminal_and_never_into_a_pipe() {
    let f = Fixture::new();
    let ch = "chats.progress";
    f.cli(&["demo", "seed", ch]).ok();
    let args = ["actions", "list", ch, "--all", "--limit", "10"];
    let piped = f.cli(&args).ok();
    assert!(piped.stdout.lines().count() > 20, "every action listed");
    assert!(
        !piped.stderr.contains("actions:") && !piped.stderr.contains('\r'),
        "no progress in piped stderr: {:?}",
        piped.stderr
    );
    let history = f.cli(&["history", ch, "--all", "--max", "5"]).ok();
    assert!(
        !history.stderr.contains("messages:"),
        "{:?}",
        history.stderr
    );

    let on_terminal = f.env.run_in_terminal(&f.with_origin(&args), "");
    assert_eq!(on_terminal.code, Some(0), "{on_terminal:#?}");
    // `\ractions: N…` once a page, N growing.
    let counts: Vec<u64> = on_terminal
        .stdout
        .split("\ractions: ")
        .skip(1)
        .filter_map(|s| s.split('…').next()?.parse().ok())
        .collect();
    assert!(
        counts.len() > 3 && counts.windows(2).all(|w| w[0] < w[1]) && counts[0] == 10,
        "the count grows page by page on a terminal: {counts:?} in {:?}",
        &on_terminal.stdout[..on_terminal.stdout.len().min(600)]
    );
    assert!(
        on_terminal.stdout.contains("\r\x1b[K"),
        "and the progress line is cleared before the output"
    );
    let seeding = f
        .env
        .run_in_terminal(&f.with_origin(&["demo", "seed", "chats.seeding"]), "");
    assert_eq!(seeding.code, Some(0), "{seeding:#?}");
    assert!(
        seeding.stdout.contains("seeding: 1 messages"),
        "{:?}",
        seeding.stdout
    );
    let seeded_piped = f.cli(&["demo", "seed", "chats.seeding2"]).ok();
    assert!(!seeded_piped.stderr.contains("seeding:"));
}
