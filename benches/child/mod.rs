//! For the benches that run the binary as a child process (`reactions serve`, the CLI): a
//! child that is killed when dropped, so a failed bench leaves no server behind, and a free
//! loopback port to serve on.

use std::process::Child;

/// A child process, killed and reaped when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
