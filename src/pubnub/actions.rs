//! Message actions (reference section 1): add, remove and list a channel's actions, and a pager
//! that lists them back in time. The `decode_*` functions read an answer exactly as the client
//! does, so tests and the embedded server's checks can use them on recorded bodies.

use std::collections::HashSet;

use reqwest::Method;
use serde::Serialize;

use super::answer::{Answer, malformed, parse_success};
use super::client::{
    Client, Endpoint, Request, check_range, encode_segment, executable, range_setters,
    required_timetoken, validate_channel,
};
use super::pager::{Cursor, Pager};
use super::wire::{ActionsEnvelope, AddActionBody, ServiceError, WireAction};
use super::{ActionsPage, Error, MessageAction, Result, StoredAction, Timetoken};

/// Most actions one page may hold; also the page size a pager asks for unless told otherwise.
pub const MAX_LIMIT: u32 = 100;

/// What adding an action returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddActionResult {
    /// The action as stored, with its author and its own timetoken.
    pub action: StoredAction,
    /// Set on HTTP 207: stored, but the service could not publish the realtime event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// What removing an action returns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RemoveActionResult {
    /// Set on HTTP 207: removed, but the service could not publish the realtime event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// Walks a channel's actions back in time; see [`GetMessageActions::pager`].
pub type ActionsPager = Pager<StoredAction>;

impl Client {
    /// Adds an action to a stored message, authored by the configured user id.
    pub fn add_message_action(&self) -> AddMessageAction {
        AddMessageAction {
            client: self.clone(),
            channel: String::new(),
            action: None,
            as_uuid: None,
        }
    }

    /// Removes an action. The service lets a removal through only for the action's own author.
    pub fn remove_message_action(&self) -> RemoveMessageAction {
        RemoveMessageAction {
            client: self.clone(),
            channel: String::new(),
            message_timetoken: None,
            action_timetoken: None,
            as_uuid: None,
        }
    }

    /// Lists a channel's actions: the newest `limit` older than `start` and not older than `end`.
    pub fn get_message_actions(&self) -> GetMessageActions {
        GetMessageActions {
            client: self.clone(),
            channel: String::new(),
            start: None,
            end: None,
            limit: None,
        }
    }
}

fn channel_path(client: &Client, channel: &str) -> Result<String> {
    validate_channel(channel)?;
    Ok(format!(
        "/v1/message-actions/{}/channel/{}",
        client.sub_key_segment(),
        encode_segment(channel)
    ))
}

/// The warning of a 2xx answer: the service's text, or a generic one for a bare 207.
fn warning(status: u16, error: Option<ServiceError>) -> Option<String> {
    let text = error.map(|e| e.message).filter(|m| !m.trim().is_empty());
    match (status, text) {
        (_, Some(text)) => Some(text),
        (207, None) => Some("done, but the realtime event was not published (HTTP 207)".into()),
        _ => None,
    }
}

/// Builder of [`Client::add_message_action`].
#[derive(Debug, Clone)]
pub struct AddMessageAction {
    client: Client,
    channel: String,
    action: Option<MessageAction>,
    as_uuid: Option<String>,
}

impl AddMessageAction {
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    pub fn message_action(mut self, action: MessageAction) -> Self {
        self.action = Some(action);
        self
    }

    /// Adds the action as `author` instead of the configured user id: how a moderator puts back
    /// an action a removal took away, as the user who had added it. Access Manager allows it to
    /// the secret key and to a token with write on the channel that is bound to no user.
    pub fn as_uuid(mut self, author: impl Into<String>) -> Self {
        self.as_uuid = Some(author.into());
        self
    }
}

impl Endpoint for AddMessageAction {
    type Output = AddActionResult;

    fn request(&self) -> Result<Request> {
        let path = channel_path(&self.client, &self.channel)?;
        let action = self
            .action
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("message_action is required".into()))?;
        if action.action_type.trim().is_empty() {
            return Err(Error::InvalidInput("action type is empty".into()));
        }
        if action.value.trim().is_empty() {
            return Err(Error::InvalidInput("action value is empty".into()));
        }
        let message = required_timetoken(Some(action.message_timetoken), "message timetoken")?;
        let body = serde_json::to_vec(&AddActionBody {
            action_type: action.action_type.clone(),
            value: action.value.clone(),
        })
        .map_err(|e| Error::InvalidInput(format!("cannot encode the action: {e}")))?;
        if self.as_uuid.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(Error::InvalidInput("as_uuid is empty".into()));
        }
        let mut request =
            Request::new(Method::POST, format!("{path}/message/{message}")).json_body(body);
        request.uuid = self.as_uuid.clone();
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<AddActionResult> {
        decode_add(status, body)
    }
}
executable!(AddMessageAction => AddActionResult);

/// Reads an add-action answer (200, or 207 with a warning).
pub fn decode_add(status: u16, body: &[u8]) -> Result<AddActionResult> {
    let answer = Answer::read(status, body)?;
    let envelope: ActionsEnvelope<WireAction> = answer.parse()?;
    let action = envelope
        .data
        .ok_or_else(|| answer.malformed("no `data` in the answer"))?;
    Ok(AddActionResult {
        action: action.into(),
        warning: warning(status, envelope.error),
    })
}

/// Builder of [`Client::remove_message_action`].
#[derive(Debug, Clone)]
pub struct RemoveMessageAction {
    client: Client,
    channel: String,
    message_timetoken: Option<Timetoken>,
    action_timetoken: Option<Timetoken>,
    as_uuid: Option<String>,
}

impl RemoveMessageAction {
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    pub fn message_timetoken(mut self, timetoken: impl Into<Timetoken>) -> Self {
        self.message_timetoken = Some(timetoken.into());
        self
    }

    pub fn action_timetoken(mut self, timetoken: impl Into<Timetoken>) -> Self {
        self.action_timetoken = Some(timetoken.into());
        self
    }

    /// Sends the removal with the action author's uuid instead of the configured user id: the
    /// service removes an action only for its own uuid, so this is how a moderator removes
    /// someone else's action.
    pub fn as_uuid(mut self, owner: impl Into<String>) -> Self {
        self.as_uuid = Some(owner.into());
        self
    }
}

impl Endpoint for RemoveMessageAction {
    type Output = RemoveActionResult;

    fn request(&self) -> Result<Request> {
        let path = channel_path(&self.client, &self.channel)?;
        let message = required_timetoken(self.message_timetoken, "message timetoken")?;
        let action = required_timetoken(self.action_timetoken, "action timetoken")?;
        if self.as_uuid.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(Error::InvalidInput("as_uuid is empty".into()));
        }
        let mut request = Request::new(
            Method::DELETE,
            format!("{path}/message/{message}/action/{action}"),
        );
        request.uuid = self.as_uuid.clone();
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<RemoveActionResult> {
        decode_remove(status, body)
    }
}
executable!(RemoveMessageAction => RemoveActionResult);

/// Reads a remove-action answer (200, or 207 with a warning).
pub fn decode_remove(status: u16, body: &[u8]) -> Result<RemoveActionResult> {
    let answer = Answer::read(status, body)?;
    let envelope: ActionsEnvelope<serde_json::Value> = answer.parse()?;
    Ok(RemoveActionResult {
        warning: warning(status, envelope.error),
    })
}

/// Builder of [`Client::get_message_actions`].
#[derive(Debug, Clone)]
pub struct GetMessageActions {
    client: Client,
    channel: String,
    start: Option<Timetoken>,
    end: Option<Timetoken>,
    limit: Option<u32>,
}

impl GetMessageActions {
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    range_setters!("actions");

    /// Page size, 1 to [`MAX_LIMIT`]; the service's default (100) when unset.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// A pager that follows pages back in time from `start` (or now) down to `end` (or the
    /// beginning), `limit` actions a request (100 unless set). It never yields an action twice,
    /// nor skips actions that share a timetoken across a page boundary (up to a page of them).
    pub fn pager(self) -> ActionsPager {
        let limit = self.limit.unwrap_or(MAX_LIMIT);
        let cursor = ActionsCursor::new(self.start, self.end, limit);
        let base = GetMessageActions {
            limit: Some(limit),
            ..self
        };
        let client = base.client.clone();
        Pager::over(cursor, client, move |start| GetMessageActions {
            start,
            ..base.clone()
        })
    }
}

impl Endpoint for GetMessageActions {
    type Output = ActionsPage;

    fn request(&self) -> Result<Request> {
        let path = channel_path(&self.client, &self.channel)?;
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(Error::InvalidInput(format!(
                "limit {limit} is out of range 1..={MAX_LIMIT}"
            )));
        }
        check_range(self.start, self.end)?;
        Ok(Request::new(Method::GET, path)
            .param_opt("start", self.start)
            .param_opt("end", self.end)
            .param_opt("limit", self.limit))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<ActionsPage> {
        decode_get(status, body)
    }
}
executable!(GetMessageActions => ActionsPage);

/// Reads a get-actions answer: actions oldest first, and `more` when the service sent it.
pub fn decode_get(status: u16, body: &[u8]) -> Result<ActionsPage> {
    let envelope: ActionsEnvelope<Vec<WireAction>> = parse_success(status, body)?;
    let data = envelope
        .data
        .ok_or_else(|| malformed(status, "no `data` in the answer".into(), body))?;
    let mut actions: Vec<StoredAction> = data.into_iter().map(StoredAction::from).collect();
    actions.sort_by_key(|a| a.action_timetoken);
    Ok(ActionsPage {
        actions,
        more: envelope.more.map(Into::into),
    })
}

/// Paging over get-actions. Each request after the first starts just above the oldest action
/// delivered so far (start is exclusive), so actions sharing that timetoken are not lost at a
/// page boundary; the ones already delivered are dropped from the answer.
#[derive(Debug)]
pub(crate) struct ActionsCursor {
    start: Option<Timetoken>,
    /// The caller's inclusive lower bound: a request never starts at or below it.
    end: Option<Timetoken>,
    limit: u32,
    /// The oldest timetoken delivered so far, and the actions delivered at it.
    boundary: Option<(Timetoken, HashSet<StoredAction>)>,
    done: bool,
}

impl ActionsCursor {
    pub fn new(start: Option<Timetoken>, end: Option<Timetoken>, limit: u32) -> Self {
        ActionsCursor {
            start,
            end,
            limit,
            boundary: None,
            done: false,
        }
    }

    fn is_new(&self, action: &StoredAction) -> bool {
        match &self.boundary {
            None => true,
            Some((at, seen)) => {
                action.action_timetoken < *at
                    || (action.action_timetoken == *at && !seen.contains(action))
            }
        }
    }
}

impl Cursor for ActionsCursor {
    type Next = Option<Timetoken>;
    type Page = ActionsPage;
    type Item = StoredAction;

    fn next(&self) -> Option<Option<Timetoken>> {
        (!self.done).then_some(self.start)
    }

    fn accept(&mut self, page: ActionsPage) -> Vec<StoredAction> {
        let last = page.actions.len() < self.limit as usize && page.more.is_none();
        if page.actions.is_empty() || last {
            self.done = true;
        }
        let fresh: Vec<StoredAction> = page
            .actions
            .into_iter()
            .filter(|a| self.is_new(a))
            .collect();
        let Some(oldest) = fresh.iter().map(|a| a.action_timetoken).min() else {
            // Nothing new on a full page: more actions share the boundary timetoken than a page
            // holds (or the service ignored `start`). Step past it once; then give up.
            if let Some((at, _)) = &self.boundary
                && !self.done
            {
                if self.end.is_some_and(|end| *at <= end) {
                    // Everything at or above `end` is delivered: nothing is left to ask for
                    // (and a request starting at `end` would be an empty range).
                    self.done = true;
                } else if self.start == Some(*at) {
                    tracing::warn!(timetoken = %at, "actions pager made no progress; stopping");
                    self.done = true;
                } else {
                    tracing::warn!(timetoken = %at, "more actions share one timetoken than a page holds; some may be skipped");
                    self.start = Some(*at);
                }
            }
            return fresh;
        };
        let at_oldest = fresh
            .iter()
            .filter(|a| a.action_timetoken == oldest)
            .cloned();
        match &mut self.boundary {
            Some((at, seen)) if *at == oldest => seen.extend(at_oldest),
            boundary => *boundary = Some((oldest, at_oldest.collect())),
        }
        self.start = Some(Timetoken(oldest.0.saturating_add(1)));
        fresh
    }
}
