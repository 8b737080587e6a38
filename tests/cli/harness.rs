//! Running the real `reactions` binary: an isolated environment per test (its own config and
//! data directories, no PUBNUB_*/REACTIONS_* variables of the developer's), a `reactions serve`
//! on a free loopback port, and one CLI run at a time with a deadline: on pipes (optionally with
//! stdout closed before the program writes) or on a pseudo-terminal. Every process spawned here
//! is owned by a guard, which kills and reaps it when the test ends, passes or not.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::Value;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_reactions");

/// The longest one CLI run may take before the test fails (generous for a busy 2-core box).
const RUN_DEADLINE: Duration = Duration::from_secs(30);
/// The longest `reactions serve` may take to answer `/time/0`.
const SERVE_DEADLINE: Duration = Duration::from_secs(15);

/// `$USER` as the CLI sees it: the user id when none is configured.
pub const ENV_USER: &str = "cli-test-user";
/// A POSIX time zone 5 h 30 min east of UTC, so that local time differs from UTC visibly.
pub const TZ: &str = "XYZ-5:30";
pub const TZ_EAST_SECS: i32 = 5 * 3600 + 30 * 60;

/// Kills and reaps its process when dropped.
pub struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kills and reaps a process on a pseudo-terminal when dropped.
struct PtyChildGuard(Box<dyn portable_pty::Child + Send + Sync>);

impl Drop for PtyChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Reads `from` to its end on a thread; the text arrives on the receiver.
fn drain(mut from: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// A test's own home: config and data directories in a temporary directory, a fixed `$USER`
/// and time zone, and none of the developer's connection settings.
pub struct Env {
    dir: TempDir,
}

impl Env {
    pub fn new() -> Self {
        let env = Self {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for d in [env.config_home(), env.data_home(), env.home()] {
            std::fs::create_dir_all(d).expect("create a sandbox directory");
        }
        env
    }

    pub fn config_home(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn data_home(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Where `reactions` reads its config file in this environment.
    pub fn config_file(&self) -> PathBuf {
        self.config_home().join("reactions").join("config.toml")
    }

    /// The database of the embedded server (commands without `--origin` or keys).
    pub fn embedded_database(&self) -> PathBuf {
        self.data_home().join("reactions").join("reactions.sqlite3")
    }

    pub fn write_config(&self, toml: &str) {
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().expect("config dir")).expect("create config dir");
        std::fs::write(&path, toml).expect("write config.toml");
    }

    /// The moderation audit log in the data directory.
    pub fn audit_log(&self) -> PathBuf {
        self.data_home()
            .join("reactions")
            .join("moderation-audit.jsonl")
    }

    /// The developer's variables a process must not inherit: PUBNUB_* and REACTIONS_*.
    fn inherited_settings() -> Vec<OsString> {
        std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| {
                let text = name.to_string_lossy();
                text.starts_with("PUBNUB_") || text.starts_with("REACTIONS_")
            })
            .collect()
    }

    /// What every process gets: temporary XDG directories and `$HOME`, a fixed user and zone.
    fn variables(&self) -> [(&'static str, OsString); 5] {
        [
            ("XDG_CONFIG_HOME", self.config_home().into()),
            ("XDG_DATA_HOME", self.data_home().into()),
            ("HOME", self.home().into()),
            ("USER", ENV_USER.into()),
            ("TZ", TZ.into()),
        ]
    }

    /// The binary with this environment and stdin from /dev/null.
    fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for name in Self::inherited_settings() {
            cmd.env_remove(name);
        }
        cmd.envs(self.variables()).stdin(Stdio::null());
        cmd
    }

    /// Runs `reactions ARGS` to its end.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(&[], args)
    }

    /// Runs `reactions ARGS` with extra environment variables.
    pub fn run_with(&self, vars: &[(&str, &str)], args: &[&str]) -> Run {
        self.run_on_pipes(vars, args, true)
    }

    /// Runs `reactions ARGS` with a stdout whose reading end is closed before the program
    /// writes, as `reactions ... | true` does. The run's stdout is empty.
    pub fn run_with_stdout_closed(&self, args: &[&str]) -> Run {
        self.run_on_pipes(&[], args, false)
    }

    fn run_on_pipes(&self, vars: &[(&str, &str)], args: &[&str], read_stdout: bool) -> Run {
        let mut cmd = self.command();
        cmd.args(args)
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let what = format!("reactions {}", args.join(" "));
        let mut child = ChildGuard(cmd.spawn().unwrap_or_else(|e| panic!("spawn {what}: {e}")));
        let stdout = child.0.stdout.take().expect("piped stdout");
        let out = if read_stdout {
            drain(stdout)
        } else {
            drop(stdout);
            drain(std::io::empty())
        };
        let err = drain(child.0.stderr.take().expect("piped stderr"));
        let deadline = Instant::now() + RUN_DEADLINE;
        let wait = |rx: &Receiver<String>| {
            rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("{what} did not finish within {RUN_DEADLINE:?}"))
        };
        let stdout = wait(&out);
        let stderr = wait(&err);
        let status = child.0.wait().expect("wait for the CLI");
        Run {
            what,
            code: status.code(),
            stdout,
            stderr,
        }
    }

    /// Runs `reactions ARGS` with stdin, stdout and stderr on a pseudo-terminal and `typed`
    /// typed at once (the terminal keeps it until the program reads). The run's stdout is
    /// everything the terminal showed, echo of the typing included; its stderr is empty.
    pub fn run_in_terminal(&self, args: &[&str], typed: &str) -> Run {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        for name in Self::inherited_settings() {
            cmd.env_remove(name);
        }
        for (name, value) in self.variables() {
            cmd.env(name, value);
        }
        cmd.args(args);
        let what = format!("reactions {} (on a terminal)", args.join(" "));
        let mut child = PtyChildGuard(
            pair.slave
                .spawn_command(cmd)
                .unwrap_or_else(|e| panic!("spawn {what}: {e}")),
        );
        // Only the child keeps the terminal open, so reading ends when it exits.
        drop(pair.slave);
        let out = drain(pair.master.try_clone_reader().expect("pty reader"));
        let mut writer = pair.master.take_writer().expect("pty writer");
        writer
            .write_all(typed.as_bytes())
            .and_then(|()| writer.flush())
            .expect("type into the pty");
        let stdout = out
            .recv_timeout(RUN_DEADLINE)
            .unwrap_or_else(|_| panic!("{what} did not finish within {RUN_DEADLINE:?}"));
        let status = child.0.wait().expect("wait for the CLI");
        Run {
            what,
            code: i32::try_from(status.exit_code()).ok(),
            stdout: stdout.replace("\r\n", "\n"),
            stderr: String::new(),
        }
    }
}

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub what: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit status 0 and nothing on stderr.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "{} failed: {self:#?}", self.what);
        assert_eq!(
            self.stderr, "",
            "a successful command is quiet on stderr: {self:#?}"
        );
        self
    }

    /// The run with a note on stderr (`note: ...`, one line: say, that more exist than were
    /// shown) taken off, for checks that are about stdout.
    pub fn without_note(mut self) -> Self {
        let lines: Vec<&str> = self.stderr.lines().collect();
        if let [line] = lines[..]
            && line.starts_with("note: ")
        {
            self.stderr.clear();
        }
        self
    }

    /// The whole stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Asserts a failure with exit status `code` and nothing on stdout; returns stderr.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, Some(code), "{self:#?}");
        assert_eq!(self.stdout, "", "{self:#?}");
        &self.stderr
    }

    /// Asserts a failure (exit 1) reported as exactly one line on stderr; returns that line.
    #[track_caller]
    pub fn error_line(&self) -> &str {
        let stderr = self.fails(1);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr: {self:#?}");
        lines[0]
    }
}

/// Ports this test binary has handed out: parallel tests never get the same one.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// A loopback port that was free a moment ago and that no other test here was given.
pub fn free_port() -> u16 {
    loop {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
        let port = listener.local_addr().expect("bound address").port();
        drop(listener);
        if HANDED_OUT
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(port)
        {
            return port;
        }
    }
}

/// True when something on `port` answers `GET /time/0` with 200 and a JSON array.
fn answers_time(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /time/0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") && answer.trim_end().ends_with(']')
}

/// A `reactions serve` child process with its database in the test's environment.
pub struct Serve {
    _child: ChildGuard,
    pub origin: String,
}

impl Serve {
    /// Starts `reactions serve --listen 127.0.0.1:PORT --db ... EXTRA` and waits until it
    /// answers `/time/0`; picks another port when the server exits first (the port was taken).
    pub fn start(env: &Env, db: &Path, extra: &[&str]) -> Self {
        let mut failures = Vec::new();
        for _ in 0..5 {
            let port = free_port();
            let listen = format!("127.0.0.1:{port}");
            let mut cmd = env.command();
            cmd.args(["serve", "--listen", &listen, "--db"])
                .arg(db)
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let mut child = ChildGuard(cmd.spawn().expect("spawn reactions serve"));
            // Drained all along so that the server never blocks on a full pipe.
            let stderr = drain(child.0.stderr.take().expect("piped stderr"));
            let deadline = Instant::now() + SERVE_DEADLINE;
            loop {
                if let Some(status) = child.0.try_wait().expect("poll reactions serve") {
                    let text = stderr
                        .recv_timeout(Duration::from_secs(5))
                        .unwrap_or_default();
                    failures.push(format!("port {port}: exited with {status}: {text}"));
                    break;
                }
                if answers_time(port) {
                    // Still ours: a server that lost the port to another process exits.
                    assert!(child.0.try_wait().expect("poll").is_none());
                    return Self {
                        _child: child,
                        origin: format!("http://{listen}"),
                    };
                }
                assert!(
                    Instant::now() < deadline,
                    "reactions serve did not answer /time/0 on {listen} within {SERVE_DEADLINE:?}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("reactions serve could not start: {failures:#?}");
    }
}

/// A `reactions serve` child process whose log goes to a file that can be read while it runs,
/// for tests that stop it themselves.
pub struct LoggedServe {
    child: ChildGuard,
    pub port: u16,
    pub log: PathBuf,
}

impl LoggedServe {
    /// Starts `reactions serve` on the embedded database of `env` (so that commands without
    /// `--origin` read what it wrote), with `REACTIONS_LOG` set to `log_filter`; returns once it
    /// answers `/time/0`.
    pub fn start(env: &Env, log_filter: &str) -> Self {
        let port = free_port();
        let log = env.dir.path().join(format!("serve-{port}.log"));
        let mut cmd = env.command();
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(env.embedded_database())
            .env("REACTIONS_LOG", log_filter)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("the serve log file"));
        let mut child = ChildGuard(cmd.spawn().expect("spawn reactions serve"));
        let deadline = Instant::now() + SERVE_DEADLINE;
        while !answers_time(port) {
            if let Some(status) = child.0.try_wait().expect("poll reactions serve") {
                panic!(
                    "reactions serve exited with {status}: {:?}",
                    std::fs::read_to_string(&log)
                );
            }
            assert!(Instant::now() < deadline, "reactions serve did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port, log }
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (up to the run deadline) for the process to exit; its exit status.
    pub fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + RUN_DEADLINE;
        loop {
            if let Some(status) = self.child.0.try_wait().expect("poll reactions serve") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "reactions serve did not exit: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `GET path` on 127.0.0.1:`port` with `Connection: close`: the whole answer, or the error
/// that ended it.
pub fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(RUN_DEADLINE))?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// A test environment with its own `reactions serve`; [`Fixture::cli`] runs commands against it.
pub struct Fixture {
    // Declared first so the server is killed before its directory is removed.
    pub serve: Serve,
    pub env: Env,
}

impl Fixture {
    pub fn new() -> Self {
        Self::with_serve_args(&[])
    }

    pub fn with_serve_args(extra: &[&str]) -> Self {
        let env = Env::new();
        let serve = Serve::start(&env, &env.dir.path().join("serve.sqlite3"), extra);
        Self { serve, env }
    }

    /// A server on the database that commands without `--origin` use in the same environment.
    pub fn on_the_embedded_database() -> Self {
        let env = Env::new();
        let serve = Serve::start(&env, &env.embedded_database(), &[]);
        Self { serve, env }
    }

    /// `reactions --origin ORIGIN ARGS`.
    pub fn cli(&self, args: &[&str]) -> Run {
        self.cli_with(&[], args)
    }

    /// `reactions --origin ORIGIN ARGS` with extra environment variables.
    pub fn cli_with(&self, vars: &[(&str, &str)], args: &[&str]) -> Run {
        self.env.run_with(vars, &self.with_origin(args))
    }

    /// `--origin ORIGIN ARGS`: the arguments of a command against this fixture's server.
    pub fn with_origin<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        [&["--origin", self.serve.origin.as_str()], args].concat()
    }
}
