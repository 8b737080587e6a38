//! The single writer thread and its group commit.
//!
//! It blocks for one write, drains whatever else is queued (up to [`MAX_BATCH`]; under load it
//! waits a little for more, see [`Pace`]), runs them all in one transaction (each op's outcome
//! decided on its own: conflict, nothing to delete, wrong uuid), commits once (one fsync for the
//! batch), drops the cached reads of the channels written, hands the committed events to the
//! subscribe hub in timetoken order, and only then answers each waiter. Timetokens are taken
//! here, so commit order is timetoken order.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::cache::ReadCache;
use super::clock::Clock;
use super::hub::{Hub, HubEvent};
use super::queries::{MessageRecord, delete_action, find_action, insert_action, insert_message};
use super::store::StoreError;
use super::subscribe::{action_item, message_item};
use crate::pubnub::{ActionEventKind, StoredAction, Timetoken};

/// Most writes committed together.
pub const MAX_BATCH: usize = 512;
/// Longest a batch waits for more writes (see [`Pace`]).
const MAX_COMMIT_DELAY: Duration = Duration::from_millis(1);

/// A message to publish.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub sub_key: String,
    pub channel: String,
    pub publisher: String,
    /// Compact JSON text.
    pub payload: String,
    /// Compact JSON text.
    pub meta: Option<String>,
    pub custom_message_type: Option<String>,
    pub seqn: Option<u64>,
    /// `store=0` delivers live only.
    pub store: bool,
}

/// One write.
#[derive(Debug, Clone)]
pub enum WriteOp {
    Publish(NewMessage),
    AddAction {
        sub_key: String,
        channel: String,
        message_tt: u64,
        action_type: String,
        value: String,
        uuid: String,
    },
    RemoveAction {
        sub_key: String,
        channel: String,
        message_tt: u64,
        action_tt: u64,
        uuid: String,
    },
    /// Seeding: a message with its own timetoken, no live event.
    InsertMessage {
        sub_key: String,
        channel: String,
        timetoken: u64,
        publisher: String,
        payload: String,
        meta: Option<String>,
    },
    /// Seeding: an action as given, no live event.
    InsertAction {
        sub_key: String,
        channel: String,
        action: StoredAction,
    },
}

impl WriteOp {
    fn touches_db(&self) -> bool {
        !matches!(self, WriteOp::Publish(m) if !m.store)
    }

    /// `(sub key, channel)` written to.
    fn channel(&self) -> (&str, &str) {
        match self {
            WriteOp::Publish(m) => (&m.sub_key, &m.channel),
            WriteOp::AddAction {
                sub_key, channel, ..
            }
            | WriteOp::RemoveAction {
                sub_key, channel, ..
            }
            | WriteOp::InsertMessage {
                sub_key, channel, ..
            }
            | WriteOp::InsertAction {
                sub_key, channel, ..
            } => (sub_key, channel),
        }
    }
}

/// What the writer shares with the rest of the server.
pub struct Shared {
    pub clock: Arc<Clock>,
    pub hub: Arc<Hub>,
    pub cache: Arc<ReadCache>,
}

/// The result of a successful write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteDone {
    Published(Timetoken),
    Added(StoredAction),
    Removed,
    Inserted,
}

/// What the writer thread is asked to do.
/// Where one write's result goes.
pub type Waiter = oneshot::Sender<Result<WriteDone, StoreError>>;

pub enum Job {
    Write(WriteOp, Waiter),
    /// Finish what is queued before this, checkpoint and stop.
    Close(oneshot::Sender<()>),
}

/// Starts the writer thread on `conn`.
pub fn spawn(
    conn: Connection,
    shared: Shared,
) -> Result<(Sender<Job>, JoinHandle<()>), StoreError> {
    let (tx, rx) = channel();
    let handle = std::thread::Builder::new()
        .name("reactions-db-write".into())
        .spawn(move || run(conn, &rx, &shared))
        .map_err(|e| StoreError::Database(format!("cannot start the writer thread: {e}")))?;
    Ok((tx, handle))
}

/// How the last batch went, to decide how long the next one waits for company.
#[derive(Debug, Default, Clone, Copy)]
struct Pace {
    size: usize,
    commit: Duration,
}

impl Pace {
    /// Group commit delay, as PostgreSQL's `commit_delay`: a commit (its fsync) costs about the
    /// same for one write as for fifty, so while a batch is smaller than the last one (whose
    /// writers are likely on their way back), wait up to one commit's duration for them.
    fn wait_for_more(self, collected: usize) -> bool {
        collected < self.size
    }

    fn deadline(self, from: Instant) -> Instant {
        from + self.commit.min(MAX_COMMIT_DELAY)
    }
}

/// The writes of one batch and whom to answer.
#[derive(Default)]
struct Batch {
    ops: Vec<WriteOp>,
    waiters: Vec<Waiter>,
}

fn run(conn: Connection, rx: &Receiver<Job>, shared: &Shared) {
    let mut close_reply = None;
    let mut pace = Pace::default();
    while close_reply.is_none() {
        let Ok(mut job) = rx.recv() else {
            break;
        };
        let deadline = pace.deadline(Instant::now());
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
                Err(TryRecvError::Empty) if pace.wait_for_more(batch.ops.len()) => {
                    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                        Ok(next) => next,
                        Err(_) => break,
                    }
                }
                Err(_) => break,
            };
        }
        if !batch.ops.is_empty() {
            let started = Instant::now();
            let results = commit_or_recover(&conn, shared, &batch.ops);
            pace = Pace {
                size: batch.ops.len(),
                commit: started.elapsed(),
            };
            for (waiter, result) in batch.waiters.into_iter().zip(results) {
                let _ = waiter.send(result);
            }
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
    let Shared { clock, hub, cache } = shared;
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
        failure = run_cached(conn, "COMMIT").err();
    }
    if let Some(e) = failure {
        tracing::error!("write batch of {} failed: {e}", ops.len());
        if in_tx && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        clock.settle();
        return ops
            .iter()
            .map(|_| Err(StoreError::Database(e.to_string())))
            .collect();
    }
    // Before anyone is told: a read must not be served from before this commit.
    cache.invalidate(
        ops.iter()
            .zip(&results)
            .filter(|(op, result)| result.is_ok() && op.touches_db())
            .map(|(op, _)| op.channel()),
    );
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

enum Outcome {
    /// This op is refused; the batch goes on.
    Refused(StoreError),
    /// SQLite failed; the whole batch is rolled back.
    Failed(rusqlite::Error),
}

impl From<rusqlite::Error> for Outcome {
    fn from(e: rusqlite::Error) -> Self {
        Outcome::Failed(e)
    }
}

fn refused<T>(e: StoreError) -> Result<T, Outcome> {
    Err(Outcome::Refused(e))
}

type Applied = (WriteDone, Option<HubEvent>);

fn apply(conn: &Connection, clock: &Clock, op: &WriteOp) -> Result<Applied, Outcome> {
    match op {
        WriteOp::Publish(m) => {
            let tt = clock.tick();
            if m.store {
                insert_message(
                    conn,
                    &MessageRecord {
                        sub_key: &m.sub_key,
                        channel: &m.channel,
                        tt: tt.get(),
                        publisher: &m.publisher,
                        payload: &m.payload,
                        meta: m.meta.as_deref(),
                        custom_message_type: m.custom_message_type.as_deref(),
                    },
                )?;
            }
            let item = message_item(m, tt.get());
            Ok((
                WriteDone::Published(tt),
                Some(event(&m.sub_key, &m.channel, tt.get(), item)),
            ))
        }
        WriteOp::AddAction {
            sub_key,
            channel,
            message_tt,
            action_type,
            value,
            uuid,
        } => {
            let action = StoredAction {
                action_timetoken: clock.tick(),
                message_timetoken: Timetoken(*message_tt),
                action_type: action_type.clone(),
                uuid: uuid.clone(),
                value: value.clone(),
            };
            if !insert_action(conn, sub_key, channel, &action)? {
                return refused(StoreError::Conflict);
            }
            let tt = action.action_timetoken.get();
            let item = action_item(sub_key, channel, tt, &action, ActionEventKind::Added);
            Ok((
                WriteDone::Added(action),
                Some(event(sub_key, channel, tt, item)),
            ))
        }
        WriteOp::RemoveAction {
            sub_key,
            channel,
            message_tt,
            action_tt,
            uuid,
        } => {
            let found = find_action(conn, sub_key, channel, *message_tt, *action_tt)?;
            let Some((author, action_type, value)) = found else {
                return refused(StoreError::NothingToDelete);
            };
            if author != *uuid {
                return refused(StoreError::WrongUuid);
            }
            delete_action(conn, sub_key, channel, *action_tt)?;
            let action = StoredAction {
                action_timetoken: Timetoken(*action_tt),
                message_timetoken: Timetoken(*message_tt),
                action_type,
                uuid: author,
                value,
            };
            let tt = clock.tick().get();
            let item = action_item(sub_key, channel, tt, &action, ActionEventKind::Removed);
            Ok((WriteDone::Removed, Some(event(sub_key, channel, tt, item))))
        }
        WriteOp::InsertMessage {
            sub_key,
            channel,
            timetoken,
            publisher,
            payload,
            meta,
        } => {
            clock.observe(Timetoken(*timetoken));
            let record = MessageRecord {
                sub_key,
                channel,
                tt: *timetoken,
                publisher,
                payload,
                meta: meta.as_deref(),
                custom_message_type: None,
            };
            match insert_message(conn, &record)? {
                true => Ok((WriteDone::Inserted, None)),
                false => refused(StoreError::Conflict),
            }
        }
        WriteOp::InsertAction {
            sub_key,
            channel,
            action,
        } => {
            clock.observe(action.action_timetoken.max(action.message_timetoken));
            match insert_action(conn, sub_key, channel, action)? {
                true => Ok((WriteDone::Inserted, None)),
                false => refused(StoreError::Conflict),
            }
        }
    }
}

fn event(sub_key: &str, channel: &str, tt: u64, item: String) -> HubEvent {
    HubEvent {
        tt,
        sub_key: sub_key.to_string(),
        channel: channel.to_string(),
        item,
    }
}
