//! `history`: a channel's messages, optionally with their actions, as columns (users by their
//! App Context names) or as the JSON the SDKs document (users by id).

use serde_json::{Value, json};

use super::error::{CommandError, api};
use super::names::{Names, names_of};
use super::output::{note, time_cells};
use super::progress::Progress;
use super::stream::{Document, Format, Listing};
use crate::pubnub::{Client, HistoryMessage, Timetoken};
use crate::text;

/// What `history` was asked for.
pub struct HistoryRequest {
    pub channel: String,
    pub max: Option<u32>,
    pub start: Option<Timetoken>,
    pub end: Option<Timetoken>,
    pub actions: bool,
    /// Every page, not only the newest.
    pub all: bool,
    pub format: Format,
}

/// Fetches one page of history (or with `all` every page) and prints it. When one page leaves
/// older messages out, says so on stderr, and how to get them.
pub async fn run(client: &Client, asked: HistoryRequest) -> Result<(), CommandError> {
    let mut request = client
        .fetch_messages()
        .channel(&asked.channel)
        .include_actions(asked.actions)
        .include_uuid(true)
        .include_meta(true)
        .bounds(asked.start, asked.end);
    if let Some(max) = asked.max {
        request = request.max(max);
    }
    let channel = serde_json::to_string(&asked.channel).map_err(std::io::Error::other)?;
    let mut listing = Listing::new(
        asked.format,
        Document {
            open: format!(r#"{{"channels":{{{channel}:["#),
            close: "]}}",
            empty: r#"{"channels":{}}"#,
        },
        &columns(asked.actions),
    );
    if asked.all {
        // Pages come newest first; each is written newest first as it arrives.
        // A count on a terminal's stderr, cleared while a page is written.
        let (mut pager, mut progress, mut count) = (request.pager(), Progress::new("messages"), 0);
        while let Some(page) = pager.next_page().await.map_err(api("history"))? {
            progress.clear();
            write_messages(&mut listing, client, &asked, page.iter().rev()).await?;
            count += page.len();
            progress.show(count);
        }
    } else {
        let page_size = request.effective_max();
        let page = request.execute().await.map_err(api("history"))?;
        if let Some(oldest) = page.messages.first().map(|m| m.timetoken)
            && (page.more.is_some()
                || (page.messages.len() >= page_size as usize
                    && has_older(client, &asked, oldest).await?))
        {
            note(&fewer_than_all(
                &asked,
                page.messages.len(),
                page_size,
                oldest,
            ));
        }
        write_messages(&mut listing, client, &asked, page.messages.iter()).await?;
    }
    listing.finish()?;
    Ok(())
}

/// Whether the channel has a message older than `oldest` (and not older than `--end`).
async fn has_older(
    client: &Client,
    asked: &HistoryRequest,
    oldest: Timetoken,
) -> Result<bool, CommandError> {
    let older = client
        .fetch_messages()
        .channel(&asked.channel)
        .max(1)
        .bounds(Some(oldest), asked.end)
        .execute()
        .await
        .map_err(api("history"))?;
    Ok(!older.messages.is_empty())
}

/// The note for a page that left older messages out: how many are shown, why not the number
/// asked for (the service's limit), and how to get the rest.
fn fewer_than_all(
    asked: &HistoryRequest,
    shown: usize,
    page_size: u32,
    oldest: Timetoken,
) -> String {
    let limit = match asked.max {
        Some(max) if max > page_size => format!(
            " (history with actions gives at most {page_size} messages a request, not {max})"
        ),
        _ => String::new(),
    };
    format!(
        "showing the newest {shown} messages{limit}; older ones exist: --all shows every one \
         (--start {oldest} the next page)"
    )
}

/// The columns of `history` (ACTIONS only with `--actions`).
fn columns(with_actions: bool) -> Vec<&'static str> {
    let mut headers = vec!["TIMETOKEN", "LOCAL_TIME", "UUID", "MESSAGE"];
    if with_actions {
        headers.push("ACTIONS");
    }
    headers
}

/// Writes one page of messages in the listing's format (columns show users by name: one
/// App Context request a page).
async fn write_messages<'a>(
    listing: &mut Listing,
    client: &Client,
    asked: &HistoryRequest,
    messages: impl Iterator<Item = &'a HistoryMessage>,
) -> std::io::Result<()> {
    match asked.format {
        Format::Json => listing.json_page(messages.map(message_json)),
        Format::Jsonl => listing.json_page(messages.map(|m| {
            let mut item = message_json(m);
            item["channel"] = json!(m.channel);
            item
        })),
        Format::Table => {
            let messages: Vec<&HistoryMessage> = messages.collect();
            let names = names_of(client, messages.iter().filter_map(|m| m.uuid.clone())).await;
            let rows = messages
                .into_iter()
                .map(|m| message_row(m, asked.actions, &names))
                .collect();
            listing.table_page(rows)
        }
    }
}

/// A message's cells under [`columns`].
fn message_row(m: &HistoryMessage, with_actions: bool, names: &Names) -> Vec<String> {
    let [tt, local] = time_cells(m.timetoken);
    let mut row = vec![
        tt,
        local,
        m.uuid.as_deref().map(|u| names.user(u)).unwrap_or_default(),
        text::truncate(&text::single_line(&m.text()), 60),
    ];
    if with_actions {
        row.push(action_summary(m));
    }
    row
}

/// `reaction:👍×3 receipt:read×4` for one message.
fn action_summary(message: &HistoryMessage) -> String {
    let mut parts = Vec::new();
    for (action_type, values) in &message.actions {
        for (value, refs) in values {
            parts.push(format!("{action_type}:{value}×{}", refs.len()));
        }
    }
    parts.join(" ")
}

/// `{message, timetoken, uuid, meta, actions}`, as the SDKs name them.
fn message_json(m: &HistoryMessage) -> Value {
    let mut item = json!({ "message": m.message, "timetoken": m.timetoken });
    if let Some(uuid) = &m.uuid {
        item["uuid"] = json!(uuid);
    }
    if let Some(meta) = &m.meta {
        item["meta"] = meta.clone();
    }
    if !m.actions.is_empty() {
        item["actions"] = json!(m.actions);
    }
    item
}
