//! Syncing the write-ahead log with `fdatasync` instead of `fsync`: a VFS shim over SQLite's
//! default VFS, used by the writer's connection on Linux (elsewhere the default VFS is used as
//! it is).
//!
//! Why: the bundled SQLite is built without `HAVE_FDATASYNC`, so every commit under
//! `synchronous=FULL` ends in `fsync` of the log. Every write also changes the log's mtime, so on
//! ext4 that `fsync` commits the inode through the filesystem's journal too, and waits for
//! whatever else the journal carries, other processes' writes included. `fdatasync` flushes the
//! data and the metadata needed to read it back (the size, when the log grew): all that a
//! commit's durability needs, and what SQLite itself calls when built with `HAVE_FDATASYNC`.
//! Measured in `benches/server_load.rs` (docs/BENCHMARKS.md, section 6), durable adds ran
//! 60-70% faster. `synchronous` stays FULL: every sync SQLite asks for still happens, before
//! the commit becomes visible or is acknowledged.
//!
//! How: a file of the shim is the default VFS's file with room for [`Extra`] after it, and
//! every method but two is the default VFS's own, called on the same pointer. Opening a log
//! also opens a second descriptor on it; the log's first sync goes through the default VFS
//! unchanged (that one also syncs the directory of a newly created log), every later one is
//! `fdatasync` on the second descriptor (a sync applies to the file, whichever descriptor asks).
//! The database file and every other file stay exactly as the default VFS opens them: a second
//! descriptor on the database file would drop SQLite's POSIX locks when closed, and the log
//! carries no lock.
//!
//! It must not do anything else: no reads, writes or locks of its own, nothing but the two
//! methods of a log replaced.

use std::ffi::{CStr, OsStr, c_int, c_void};
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::ptr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::ffi;

use super::error::StoreError;

/// The name the shim is registered under.
pub const VFS_NAME: &str = "reactions-datasync";
const VFS_NAME_C: &CStr = c"reactions-datasync";

/// Syncs of a log done with `fdatasync`, in this process (for tests).
static DATASYNCS: AtomicU64 = AtomicU64::new(0);

/// What the shim keeps after the default VFS's file, for a log.
struct Extra {
    /// A second descriptor on the log; `None` when it could not be opened (every sync then
    /// goes through the default VFS).
    log: Option<File>,
    /// Whether the default VFS has synced the log once.
    synced_once: bool,
}

/// The registered shim.
struct Shim {
    /// The default VFS.
    base: *mut ffi::sqlite3_vfs,
    /// Where [`Extra`] starts in a file of the shim.
    extra_at: usize,
    /// The default VFS's methods of a log, with the shim's sync and close (made when the first
    /// log is opened).
    log_methods: OnceLock<LogMethods>,
}

struct LogMethods {
    /// The default VFS's methods they copy.
    default: *const ffi::sqlite3_io_methods,
    shim: ffi::sqlite3_io_methods,
}

// SAFETY: the pointers are to SQLite's default VFS and its method tables, which live as long as
// the process and are only read; the shim itself is never changed once registered.
unsafe impl Send for Shim {}
// SAFETY: as above.
unsafe impl Sync for Shim {}
// SAFETY: as above.
unsafe impl Send for LogMethods {}
// SAFETY: as above.
unsafe impl Sync for LogMethods {}

static SHIM: OnceLock<Result<&'static Shim, String>> = OnceLock::new();

/// The shim's name, registering it on first use.
pub fn writer_vfs() -> Result<&'static str, StoreError> {
    match SHIM.get_or_init(install) {
        Ok(_) => Ok(VFS_NAME),
        Err(e) => Err(StoreError::Database(e.clone())),
    }
}

/// How many syncs of a log this process did with `fdatasync`.
#[cfg(test)]
pub fn datasyncs() -> u64 {
    DATASYNCS.load(Ordering::Relaxed)
}

fn install() -> Result<&'static Shim, String> {
    // SAFETY: a NULL name asks for the default VFS, which SQLite initialises and keeps for the
    // life of the process.
    let base = unsafe { ffi::sqlite3_vfs_find(ptr::null()) };
    if base.is_null() {
        return Err("SQLite has no default VFS".into());
    }
    // SAFETY: `base` is SQLite's default VFS (checked not NULL above).
    let default = unsafe { *base };
    let base_size = usize::try_from(default.szOsFile).map_err(|e| e.to_string())?;
    let extra_at = base_size.next_multiple_of(align_of::<Extra>());
    let size = c_int::try_from(extra_at + size_of::<Extra>()).map_err(|e| e.to_string())?;
    let shim: &'static Shim = Box::leak(Box::new(Shim {
        base,
        extra_at,
        log_methods: OnceLock::new(),
    }));
    // Every method but xOpen is the default VFS's own, which does not look at the fields that
    // differ (its xOpen, called with the default VFS, is the one that reads `pAppData`).
    let vfs = Box::leak(Box::new(ffi::sqlite3_vfs {
        szOsFile: size,
        pNext: ptr::null_mut(),
        zName: VFS_NAME_C.as_ptr(),
        pAppData: ptr::from_ref(shim).cast_mut().cast::<c_void>(),
        xOpen: Some(open),
        ..default
    }));
    // SAFETY: `vfs` is leaked, so it outlives every connection; it is not made the default.
    let rc = unsafe { ffi::sqlite3_vfs_register(vfs, 0) };
    match rc {
        ffi::SQLITE_OK => Ok(shim),
        rc => Err(format!(
            "cannot register the {VFS_NAME} VFS: SQLite error {rc}"
        )),
    }
}

/// The shim, once registered.
fn shim() -> Option<&'static Shim> {
    SHIM.get().and_then(|r| r.as_ref().ok()).copied()
}

/// The [`Extra`] of a file of the shim.
///
/// # Safety
/// `file` must be a file of the shim (SQLite allocated `szOsFile` bytes for it).
unsafe fn extra(file: *mut ffi::sqlite3_file, shim: &Shim) -> *mut Extra {
    // SAFETY: the caller's promise: the allocation is at least `extra_at + size_of::<Extra>()`.
    unsafe { file.cast::<u8>().add(shim.extra_at).cast::<Extra>() }
}

/// xOpen: the default VFS opens the file; a log gets the shim's sync and close.
unsafe extern "C" fn open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite calls this with the registered VFS, whose `pAppData` is the leaked shim.
    let shim = unsafe { &*(*vfs).pAppData.cast::<Shim>() };
    // SAFETY: the default VFS gets its own VFS and the start of the file SQLite allocated, which
    // is at least as large as its `szOsFile`.
    let rc = unsafe {
        match (*shim.base).xOpen {
            Some(open) => open(shim.base, name, file, flags, out_flags),
            None => return ffi::SQLITE_CANTOPEN,
        }
    };
    // SAFETY: `file` was just opened (or left with NULL methods) by the default VFS.
    let default = unsafe { (*file).pMethods };
    if flags & ffi::SQLITE_OPEN_WAL == 0 || default.is_null() {
        return rc;
    }
    let methods = shim.log_methods.get_or_init(|| LogMethods {
        default,
        shim: ffi::sqlite3_io_methods {
            xClose: Some(log_close),
            xSync: Some(log_sync),
            // SAFETY: `default` is the default VFS's method table, not NULL.
            ..unsafe { *default }
        },
    });
    if methods.default != default {
        // Methods this shim did not copy (another locking style): leave the file alone.
        return rc;
    }
    let log = match rc == ffi::SQLITE_OK && !name.is_null() {
        // SAFETY: SQLite gives the log's path as a NUL-terminated string.
        true => File::options()
            .write(true)
            .open(OsStr::from_bytes(
                unsafe { CStr::from_ptr(name) }.to_bytes(),
            ))
            .ok(),
        false => None,
    };
    // SAFETY: `file` is a file of the shim; the extra room is not yet initialised, and from now
    // on `log_close` drops it.
    unsafe {
        ptr::write(
            extra(file, shim),
            Extra {
                log,
                synced_once: false,
            },
        );
        (*file).pMethods = &methods.shim;
    }
    rc
}

/// xSync of a log: the default VFS's the first time, `fdatasync` afterwards.
unsafe extern "C" fn log_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let Some((shim, methods)) = shim().and_then(|s| Some((s, s.log_methods.get()?))) else {
        return ffi::SQLITE_IOERR_FSYNC;
    };
    // SAFETY: only a log opened by `open` has these methods, and its extra room is initialised.
    let extra = unsafe { &mut *extra(file, shim) };
    if let (Some(log), true) = (&extra.log, extra.synced_once) {
        DATASYNCS.fetch_add(1, Ordering::Relaxed);
        return match log.sync_data() {
            Ok(()) => ffi::SQLITE_OK,
            Err(_) => ffi::SQLITE_IOERR_FSYNC,
        };
    }
    // SAFETY: the default VFS's own sync, on its own file.
    let rc = unsafe {
        match (*methods.default).xSync {
            Some(sync) => sync(file, flags),
            None => ffi::SQLITE_IOERR_FSYNC,
        }
    };
    extra.synced_once |= rc == ffi::SQLITE_OK;
    rc
}

/// xClose of a log: the default VFS closes it, then the second descriptor is closed.
unsafe extern "C" fn log_close(file: *mut ffi::sqlite3_file) -> c_int {
    let Some((shim, methods)) = shim().and_then(|s| Some((s, s.log_methods.get()?))) else {
        return ffi::SQLITE_IOERR_CLOSE;
    };
    // SAFETY: the default VFS's own close, on its own file; then the extra room, initialised by
    // `open`, is dropped once (SQLite closes a file once).
    unsafe {
        let rc = match (*methods.default).xClose {
            Some(close) => close(file),
            None => ffi::SQLITE_OK,
        };
        ptr::drop_in_place(extra(file, shim));
        rc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, OpenFlags};

    #[test]
    fn commits_sync_the_log_with_fdatasync_and_read_back() {
        let vfs = writer_vfs().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let writer = Connection::open_with_flags_and_vfs(&path, flags, vfs).unwrap();
        writer
            .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (x);")
            .unwrap();
        let before = datasyncs();
        for i in 0..5 {
            writer.execute("INSERT INTO t VALUES (?1)", [i]).unwrap();
        }
        assert!(
            datasyncs() >= before + 4,
            "commits after the first sync the log with fdatasync"
        );
        let reader = Connection::open(&path).unwrap();
        let n: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 5);
        drop(reader);
        writer
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        drop(writer);
        let again = Connection::open(&path).unwrap();
        let n: i64 = again
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 5, "everything is in the database after the log is gone");
    }
}
