//! `demo seed`: the demo conversation written through the API, into an empty channel unless
//! forced; `demo synth`: a large synthetic channel ([`crate::synth`]), written into the
//! database directly when it is local, else through the API.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::error::{CommandError, api};
use super::output::write_line;
use super::progress::Progress;
use super::target::Target;
use crate::config::{Backend, Connection, Paths};
use crate::pubnub::{self, Client};
use crate::server::{Store, StoreError};
use crate::synth::Filled;
use crate::synthetic::Shape;

/// Seeds `channel` with the demo conversation.
pub async fn seed(
    client: &Client,
    config: &pubnub::Config,
    channel: &str,
    force: bool,
) -> Result<(), CommandError> {
    if !force && has_messages(client, channel).await? {
        return Err(CommandError::Other(format!(
            "{channel} already has messages; use --force to seed again"
        )));
    }
    let mut progress = Progress::new("seeding");
    let report = crate::demo::seed_with_progress(config, channel, |so_far| {
        progress.show(format_args!(
            "{} messages, {} actions",
            so_far.messages, so_far.actions
        ));
    })
    .await
    .map_err(api("demo seed"))?;
    drop(progress);
    write_line(format_args!(
        "seeded {}: {} messages, {} actions",
        channel, report.messages, report.actions
    ))?;
    Ok(())
}

/// Whether `channel`'s history holds any message.
async fn has_messages(client: &Client, channel: &str) -> Result<bool, CommandError> {
    let newest = client
        .fetch_messages()
        .channel(channel)
        .max(1)
        .execute()
        .await
        .map_err(api("demo seed"))?;
    Ok(!newest.messages.is_empty())
}

/// What `demo synth` was asked for.
pub struct SynthRequest {
    pub channel: String,
    pub shape: Shape,
    /// A database file to write directly.
    pub db: Option<PathBuf>,
    pub force: bool,
}

/// Fills a channel with a synthetic history: into the database directly for the embedded
/// server or `--db`, else through the API. Says on stderr how far it has come.
pub async fn synth(
    connection: &Connection,
    paths: &Paths,
    asked: SynthRequest,
) -> Result<(), CommandError> {
    if let Some(why) = asked.shape.problem() {
        return Err(CommandError::Usage(why));
    }
    let db = match (&asked.db, &connection.backend) {
        (Some(db), _) => Some(db.clone()),
        (None, Backend::Embedded) => Some(paths.database()),
        (None, Backend::Remote { .. }) => None,
    };
    let started = Instant::now();
    let filled = match db {
        Some(db) => synth_into_db(&db, &connection.subscribe_key, &asked).await?,
        None => synth_via_api(connection, paths, &asked).await?,
    };
    write_line(format_args!(
        "filled {}: {} messages, {} actions in {:.1} s",
        asked.channel,
        filled.messages,
        filled.actions,
        started.elapsed().as_secs_f64()
    ))?;
    Ok(())
}

async fn synth_into_db(
    db: &Path,
    sub_key: &str,
    asked: &SynthRequest,
) -> Result<Filled, CommandError> {
    let failed = |e: StoreError| CommandError::Other(format!("demo synth: {}: {e}", db.display()));
    let path = db.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::open(&path))
        .await
        .map_err(|e| CommandError::Other(format!("demo synth: {e}")))?
        .map_err(failed)?;
    let filled = async {
        if !asked.force && !store.is_empty_channel(sub_key, &asked.channel).await? {
            return Err(StoreError::Invalid(format!(
                "{} already has messages or actions; use --force to fill it anyway",
                asked.channel
            )));
        }
        let total = asked.shape.messages;
        let mut progress = Progress::new("filling");
        crate::synth::fill_store(&store, sub_key, &asked.channel, asked.shape, |n| {
            progress.show(format_args!("{n} of {total} messages written"));
        })
        .await
    }
    .await;
    store.close().await;
    filled.map_err(failed)
}

async fn synth_via_api(
    connection: &Connection,
    paths: &Paths,
    asked: &SynthRequest,
) -> Result<Filled, CommandError> {
    let target = Target::open(connection, paths).await?;
    let config = connection.client_config(&target.origin);
    let filled = async {
        let client = Client::new(config.clone()).map_err(api("demo synth"))?;
        if !asked.force && has_messages(&client, &asked.channel).await? {
            return Err(CommandError::Other(format!(
                "{} already has messages; use --force to fill it anyway",
                asked.channel
            )));
        }
        let total = asked.shape.actions;
        let mut progress = Progress::new("filling");
        crate::synth::fill_via_client(&config, &asked.channel, asked.shape, |n| {
            progress.show(format_args!("{n} of {total} actions added"));
        })
        .await
        .map_err(api("demo synth"))
    }
    .await;
    target.close().await;
    filled
}
