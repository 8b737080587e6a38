//! PubNub's official JavaScript SDKs for the tests: `@pubnub/chat` 1.0.2 and the core `pubnub`
//! 11.0.1 it is built on, pinned by `tests/js/package.json` and `package-lock.json`, installed
//! with `npm ci` into `target/chat-sdk-node` on first use and reused while it works.
//!
//! Scripts in `tests/js` load the SDKs from there: run them with [`node_command`], which points
//! `CHAT_SDK_NODE_DIR` at the installation.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The versions the tests run (as pinned in `tests/js/package.json`).
pub const CHAT_SDK_VERSION: &str = "1.0.2";
pub const CORE_SDK_VERSION: &str = "11.0.1";

/// The files that define the installation; a change to any of them means a new install.
const PINNED: [&str; 3] = ["package.json", "package-lock.json", ".npmrc"];

/// `tests/js`: the scripts and the pinned package files.
pub fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("js")
}

fn install_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("chat-sdk-node")
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

/// True when `dir` holds exactly the pinned files of `tests/js` and node loads both SDKs at the
/// pinned versions from it.
fn installation_works(dir: &Path) -> bool {
    let same_pins = PINNED.iter().all(|f| {
        match (std::fs::read(js_dir().join(f)), std::fs::read(dir.join(f))) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    });
    if !same_pins {
        return false;
    }
    let check = format!(
        "const r = require('module').createRequire(process.argv[1] + '/package.json');\
         const v = (p) => r(p + '/package.json').version;\
         if (v('@pubnub/chat') !== '{CHAT_SDK_VERSION}' || v('pubnub') !== '{CORE_SDK_VERSION}') process.exit(1);\
         r('@pubnub/chat');"
    );
    Command::new("node")
        .args(["-e", &check])
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn install() -> Result<PathBuf, String> {
    let dir = install_dir();
    if installation_works(&dir) {
        return Ok(dir);
    }
    for tool in ["node", "npm"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return Err(format!(
                "{tool} was not found: install Node.js (tested with 20) and npm to run the Chat SDK tests \
                 (they install @pubnub/chat {CHAT_SDK_VERSION} from the npm registry into {})",
                dir.display()
            ));
        }
    }
    // Install next to the final place and move it there, so that two test binaries installing
    // at once never see half an installation.
    let staging = dir.with_file_name(format!("chat-sdk-node.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    for f in PINNED {
        std::fs::copy(js_dir().join(f), staging.join(f))
            .map_err(|e| format!("cannot copy tests/js/{f}: {e}"))?;
    }
    let npm = run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&staging));
    if let Err(e) = npm {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(format!(
            "{e}\nThe Chat SDK tests need the npm registry (or a configured mirror) on first run."
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::rename(&staging, &dir) {
        let _ = std::fs::remove_dir_all(&staging);
        // Another test binary may have finished first; its installation is as good.
        if !installation_works(&dir) {
            return Err(format!(
                "cannot move the installation to {}: {e}",
                dir.display()
            ));
        }
    }
    match installation_works(&dir) {
        true => Ok(dir),
        false => Err(format!(
            "@pubnub/chat {CHAT_SDK_VERSION} was installed in {} but node cannot load it",
            dir.display()
        )),
    }
}

/// The installation directory, made once per test run (panics with what is missing).
pub fn sdk_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(install) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

/// `node tests/js/{script}` with the SDKs installed and `CHAT_SDK_NODE_DIR` set.
pub fn node_command(script: &str) -> Command {
    let dir = sdk_dir();
    let mut cmd = Command::new("node");
    cmd.arg(js_dir().join(script)).env("CHAT_SDK_NODE_DIR", dir);
    cmd
}
