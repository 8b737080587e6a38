//! `demo seed`: the demo conversation written through the API, into an empty channel unless
//! forced.

use super::error::{CommandError, api};
use super::output::write_line;
use super::progress::Progress;
use crate::pubnub::{self, Client};

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
