//! The process's memory budget for its views (`reactions serve --cache-mb`), measured as what
//! the process holds in RAM (its resident set), not as the views' own estimate of their size:
//! a view is built only while the process is under the budget, and views are dropped (and the
//! freed memory handed back to the system) when a build takes it over.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The budget when none is set: 256 MiB.
pub const DEFAULT_CACHE_MB: usize = 256;

/// A resident-set budget in bytes.
#[derive(Debug)]
pub struct MemoryBudget {
    bytes: AtomicUsize,
}

impl Default for MemoryBudget {
    fn default() -> Self {
        MemoryBudget {
            bytes: AtomicUsize::new(DEFAULT_CACHE_MB << 20),
        }
    }
}

impl MemoryBudget {
    pub fn set(&self, bytes: usize) {
        self.bytes.store(bytes, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Whether the process holds more than the budget (never, where that cannot be read).
    pub fn over(&self) -> bool {
        resident_bytes().is_some_and(|rss| rss > self.bytes())
    }
}

/// The process's resident set in bytes (Linux: `/proc/self/statm`).
pub fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Hands memory freed by dropped views back to the system, so that the resident set shrinks
/// (glibc keeps freed memory otherwise: 103 MB stayed after one oversized build).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}
