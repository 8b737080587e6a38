//! The official PubNub Python SDK (`pubnub==10.8.0` from PyPI) in a virtualenv at
//! `target/python-sdk-venv`, created on first use and reused while it works. Shared by the SDK
//! test and the client-vs-SDK benchmark.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The SDK version the tests and benchmarks run.
pub const SDK: &str = "pubnub==10.8.0";

fn venv_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("python-sdk-venv")
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
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

fn sdk_works(python: &Path) -> bool {
    let check =
        "import importlib.metadata as m, pubnub.pubnub; assert m.version('pubnub') == '10.8.0'";
    Command::new(python)
        .args(["-c", check])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The venv's python with the SDK installed, made once per test run.
pub fn python_with_sdk() -> &'static Path {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let made = PYTHON.get_or_init(|| {
        let venv = venv_dir();
        let python = venv_python(&venv);
        if sdk_works(&python) {
            return Ok(python);
        }
        if Command::new("python3").arg("--version").output().is_err() {
            return Err("python3 was not found: install python3 (with the venv module and pip) to run the Python SDK test".into());
        }
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .map_err(|e| format!("{e}\nInstall python3 with venv and pip (for example the python3-venv package)."))?;
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", SDK]))?;
        match sdk_works(&python) {
            true => Ok(python),
            false => Err(format!("{SDK} was installed in {} but cannot be imported", venv.display())),
        }
    });
    match made {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}
