//! The single writer thread and its group commit.
//!
//! It blocks for one write, drains whatever else is queued (up to [`MAX_BATCH`]), runs them all
//! in one transaction (each op's outcome decided on its own: conflict, nothing to delete, wrong
//! uuid), commits once (one sync of the log for the batch), brings the caches up to date, hands
//! the committed events to the subscribe hub in timetoken order, and only then answers.
//! Timetokens are taken here, so commit order is timetoken order.
//!
//! It never waits for company: while one batch commits, the next gathers in the queue by
//! itself. Waiting (for the writers just answered, up to a share of the last commit) merged
//! the two cohorts that take turns under load into one batch, but measured no faster.
//!
//! A batch's answers go to the runtime in one piece: one task ([`answer`]) completes every
//! waiter, so the writer wakes the runtime once a batch instead of once a write, and is not
//! kept from its next batch by waking each request's task itself (on two busy cores, each such
//! wake-up could hand the writer's core to the woken thread). Without a runtime it answers
//! each waiter itself.
//!
//! It must not run anything but writes: reads never wait for it.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::runtime::Handle;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

use super::caches::Caches;
use super::changes::ChangeProbe;
use super::clock::Clock;
use super::hub::Hub;
use super::write_ops::{Outcome, WriteDone, WriteOp, apply, committed};
use crate::server::sqlite::StoreError;

/// Most writes committed together.
pub const MAX_BATCH: usize = 512;

/// What the writer shares with the rest of the server.
pub struct Shared {
    pub clock: Arc<Clock>,
    pub hub: Arc<Hub>,
    pub caches: Arc<Caches>,
    pub changes: Arc<ChangeProbe>,
}

impl Shared {
    /// Drops every cached answer and view (another process committed).
    fn drop_caches(&self) {
        self.caches.clear();
    }
}

/// Where one write's result goes.
pub type Waiter = oneshot::Sender<Result<WriteDone, StoreError>>;

/// What the writer thread is asked to do.
pub enum Job {
    Write(WriteOp, Waiter),
    /// Finish what is queued before this, checkpoint and stop.
    Close(oneshot::Sender<()>),
}

/// One batch's results, each with whom to tell.
type Answers = Vec<(Waiter, Result<WriteDone, StoreError>)>;

/// Starts the writer thread on `conn`; its answers go through a task on the current runtime,
/// if there is one.
pub fn spawn(
    conn: Connection,
    shared: Shared,
) -> Result<(Sender<Job>, JoinHandle<()>), StoreError> {
    let (tx, rx) = channel();
    let answers = Handle::try_current().ok().map(|runtime| {
        let (tx, rx) = unbounded_channel();
        runtime.spawn(answer(rx));
        tx
    });
    let handle = std::thread::Builder::new()
        .name("reactions-db-write".into())
        .spawn(move || run(conn, &rx, &shared, answers.as_ref()))
        .map_err(|e| StoreError::Database(format!("cannot start the writer thread: {e}")))?;
    Ok((tx, handle))
}

/// Completes each batch's waiters, on the runtime.
async fn answer(mut batches: UnboundedReceiver<Answers>) {
    while let Some(batch) = batches.recv().await {
        reply(batch);
    }
}

fn reply(batch: Answers) {
    for (waiter, result) in batch {
        let _ = waiter.send(result);
    }
}

/// The writes of one batch and whom to answer.
#[derive(Default)]
struct Batch {
    ops: Vec<WriteOp>,
    waiters: Vec<Waiter>,
}

fn run(
    conn: Connection,
    rx: &Receiver<Job>,
    shared: &Shared,
    answers: Option<&UnboundedSender<Answers>>,
) {
    let mut close_reply = None;
    while close_reply.is_none() {
        let Ok(mut job) = rx.recv() else {
            break;
        };
        let mut batch = Batch::default();
        loop {
            match job {
                Job::Write(op, waiter) => {
                    batch.ops.push(op);
                    batch.waiters.push(waiter);
                }
                Job::Close(reply) => {
                    close_reply = Some(reply);
                    break;
                }
            }
            if batch.ops.len() >= MAX_BATCH {
                break;
            }
            job = match rx.try_recv() {
                Ok(next) => next,
                Err(_) => break,
            };
        }
        if batch.ops.is_empty() {
            continue;
        }
        let results = commit_or_recover(&conn, shared, &batch.ops);
        let done: Answers = batch.waiters.into_iter().zip(results).collect();
        match answers {
            Some(tx) => {
                if let Err(unsent) = tx.send(done) {
                    // The runtime is gone: answer here.
                    reply(unsent.0);
                }
            }
            None => reply(done),
        }
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
        tracing::warn!("checkpoint at close failed: {e}");
    }
    drop(conn);
    if let Some(reply) = close_reply {
        let _ = reply.send(());
    }
    tracing::debug!("writer stopped");
}

/// [`commit_batch`], surviving a panic in it: the batch is rolled back and fails, the clock is
/// settled (or subscribe cursors would stop), and the writer goes on.
fn commit_or_recover(
    conn: &Connection,
    shared: &Shared,
    ops: &[WriteOp],
) -> Vec<Result<WriteDone, StoreError>> {
    let run = std::panic::AssertUnwindSafe(|| commit_batch(conn, shared, ops));
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        tracing::error!(
            "a write batch of {} panicked; it was rolled back",
            ops.len()
        );
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        // It may have panicked after its commit, before the caches learnt of it.
        shared.drop_caches();
        shared.changes.committed(conn, || shared.drop_caches());
        shared.clock.settle();
        ops.iter()
            .map(|_| Err(StoreError::Database("internal error".into())))
            .collect()
    })
}

/// Runs `ops` in one transaction; returns each op's result in order.
fn commit_batch(
    conn: &Connection,
    shared: &Shared,
    ops: &[WriteOp],
) -> Vec<Result<WriteDone, StoreError>> {
    let Shared {
        clock,
        hub,
        caches,
        changes,
    } = shared;
    let in_tx = ops.iter().any(WriteOp::touches_db);
    let mut results = Vec::with_capacity(ops.len());
    let mut events = Vec::new();
    let mut failure = match in_tx {
        true => run_cached(conn, "BEGIN IMMEDIATE").err(),
        false => None,
    };
    if failure.is_none() {
        for op in ops {
            match apply(conn, clock, op) {
                Ok((done, event)) => {
                    results.push(Ok(done));
                    events.extend(event);
                }
                Err(Outcome::Refused(e)) => results.push(Err(e)),
                Err(Outcome::Failed(e)) => {
                    failure = Some(e);
                    break;
                }
            }
        }
    }
    if in_tx && failure.is_none() {
        changes.committing();
        failure = run_cached(conn, "COMMIT").err();
    }
    if let Some(e) = failure {
        tracing::error!("write batch of {} failed: {e}", ops.len());
        if in_tx && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        changes.committed(conn, || shared.drop_caches());
        clock.settle();
        return ops
            .iter()
            .map(|_| Err(StoreError::Database(e.to_string())))
            .collect();
    }
    // Before anyone is told: a read must not be served from before this commit.
    let done: Vec<_> = ops
        .iter()
        .zip(&results)
        .filter_map(|(op, result)| committed(op, result.as_ref().ok()?))
        .collect();
    caches.committed(
        &done,
        ops.iter()
            .zip(&results)
            .filter(|(op, result)| result.is_ok() && op.touches_db())
            .filter_map(|(op, _)| op.channel()),
    );
    if in_tx {
        changes.committed(conn, || shared.drop_caches());
    }
    // Settle before waking: a woken poll takes a cursor, which must cover these events.
    let wakes = hub.append(events);
    clock.settle();
    hub.wake(wakes);
    results
}

/// Runs a statement without parameters through the statement cache.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute([])
}
