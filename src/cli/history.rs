//! `history`: a channel's messages, optionally with their actions, as columns (users by their
//! App Context names) or as the JSON the SDKs document (users by id).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::error::{CommandError, api};
use super::names::{Names, names_of};
use super::output::{Table, note, time_cells, write, write_line};
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
    pub json: bool,
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
    let messages = if asked.all {
        request
            .pager()
            .collect_all()
            .await
            .map_err(api("history"))?
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
        page.messages
    };
    if asked.json {
        write_line(history_json(&messages))?;
    } else {
        let authors = messages.iter().filter_map(|m| m.uuid.clone());
        let names = names_of(client, authors).await;
        write(&history_table(&messages, asked.actions, &names))?;
    }
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

fn history_table(messages: &[HistoryMessage], with_actions: bool, names: &Names) -> String {
    let mut headers = vec!["TIMETOKEN", "LOCAL_TIME", "UUID", "MESSAGE"];
    if with_actions {
        headers.push("ACTIONS");
    }
    let mut table = Table::new(&headers);
    for m in messages {
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
        table.row(row);
    }
    table.render()
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

/// `{"channels": {ch: [{message, timetoken, uuid, meta, actions}]}}`, as the SDKs name them.
fn history_json(messages: &[HistoryMessage]) -> Value {
    let mut channels: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for m in messages {
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
        channels.entry(&m.channel).or_default().push(item);
    }
    json!({ "channels": channels })
}
