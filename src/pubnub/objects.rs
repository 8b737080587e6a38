//! App Context users (formerly Objects v2 "uuid metadata"): one user's metadata
//! (`GET /v2/objects/{sub}/uuids/{id}`, set with `PATCH`) and a filtered page of users
//! (`GET /v2/objects/{sub}/uuids?filter=…&limit=…`), which is how names are read in batches.
//!
//! Shapes as the service answers them, read from PubNub's JavaScript SDK
//! (`pubnub/javascript`, `src/core/endpoints/objects/uuid/get.ts`, `get_all.ts` and the types in
//! `src/core/types/api/app-context.ts`) and the REST reference
//! (`docs/sdks/rest-api/get-user-metadata`, `get-metadata-for-all-users`):
//! `{"status": 200, "data": {...}}` for one user, `{"status": 200, "data": [...], "next"?,
//! "prev"?, "totalCount"?}` for a page. A user that does not exist is a 404 with
//! `{"status": 404, "error": {"message": ..., "source": "objects"}}`, which
//! [`GetUserMetadata`] returns as `Ok(None)`.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::answer::{ReportsError, parse_success};
use super::client::{Client, Endpoint, Request, block_on_task, encode_segment, executable};
use super::{Error, Result};

/// Most users one page may hold (the service's maximum and default).
pub const MAX_USERS_LIMIT: u32 = 100;

/// One user's App Context metadata, as the service stores it. Absent fields (and `null`s) are
/// `None`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserMetadata {
    pub id: String,
    /// The display name; what the browser shows in place of the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        rename = "externalId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_id: Option<String>,
    #[serde(
        rename = "profileUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Only when asked for with `include=custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Value>,
    /// ISO 8601 time of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(rename = "eTag", default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
}

impl UserMetadata {
    /// The name to show: the `name` field when it has visible text.
    pub fn display_name(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| !n.trim().is_empty())
    }
}

/// A page of users.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UsersPage {
    pub users: Vec<UserMetadata>,
    /// Cursor of the next page (`start=` of the next request), when there is one.
    pub next: Option<String>,
    /// Cursor of the previous page.
    pub prev: Option<String>,
    /// How many users match in all, when asked for with `count=true`.
    pub total_count: Option<u64>,
}

/// The App Context envelope, exactly as it crosses the wire:
/// `{"status", "data"?, "next"?, "prev"?, "totalCount"?, "error"?}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectsEnvelope<T> {
    pub status: u16,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    #[serde(
        rename = "totalCount",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

impl<T> ReportsError for ObjectsEnvelope<T> {
    fn reports_error(&self) -> bool {
        self.status >= 400 || self.error.is_some()
    }
}

impl Client {
    /// Reads one user's metadata; `Ok(None)` when the service has no such user.
    pub fn get_user_metadata(&self) -> GetUserMetadata {
        GetUserMetadata {
            client: self.clone(),
            id: String::new(),
            include_custom: false,
        }
    }

    /// Sets a user's metadata (the fields given; `custom` replaces the whole object), as
    /// `PATCH /v2/objects/{sub}/uuids/{id}` with the fields as a JSON body; returns the user as
    /// stored.
    pub fn set_user_metadata(&self) -> SetUserMetadata {
        SetUserMetadata {
            client: self.clone(),
            id: String::new(),
            data: UserFields::default(),
        }
    }

    /// Lists users, optionally only those matching an App Context filter expression
    /// ([`users_with_ids`] builds one for a list of ids), `limit` a page (100 unless set).
    pub fn get_all_user_metadata(&self) -> GetAllUserMetadata {
        GetAllUserMetadata {
            client: self.clone(),
            filter: None,
            limit: None,
            start: None,
            include_custom: false,
            include_total_count: false,
        }
    }
}

impl Client {
    /// The display names of users, in as few requests as the service allows: filtered pages of
    /// up to 100 ids (`id == "a" || id == "b"`), and one request each for an id a filter cannot
    /// hold plainly, or for every id when the service refuses the filter (400). Each id comes
    /// back with its name, or `None` where the user does not exist or has none.
    pub fn user_names(&self) -> UserNames {
        UserNames {
            client: self.clone(),
            ids: Vec::new(),
        }
    }
}

/// Most users read one by one in one [`UserNames`] (the rest keep `None`).
pub const MAX_SINGLE_READS: usize = 50;

/// Builder of [`Client::user_names`].
#[derive(Debug, Clone)]
pub struct UserNames {
    client: Client,
    ids: Vec<String>,
}

impl UserNames {
    /// Whose names (duplicates are read once).
    pub fn ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        ids.sort();
        ids.dedup();
        self.ids = ids;
        self
    }

    /// Reads the names: each asked id with its name, `None` where there is none.
    pub async fn execute(self) -> Result<Vec<(String, Option<String>)>> {
        let client = &self.client;
        let (plain, odd): (Vec<&String>, Vec<&String>) =
            self.ids.iter().partition(|id| is_plain_filter_value(id));
        let mut found: Vec<(String, Option<String>)> = Vec::with_capacity(self.ids.len());
        let mut one_by_one: Vec<&String> = odd;
        for chunk in plain.chunks(MAX_USERS_LIMIT as usize) {
            let Some(filter) = users_with_ids(chunk) else {
                continue;
            };
            let page = client
                .get_all_user_metadata()
                .filter(filter)
                .limit(MAX_USERS_LIMIT)
                .execute()
                .await;
            match page {
                Ok(page) => {
                    for id in chunk {
                        let name = page
                            .users
                            .iter()
                            .find(|u| u.id == **id)
                            .and_then(|u| u.display_name())
                            .map(str::to_string);
                        found.push(((*id).clone(), name));
                    }
                }
                Err(Error::BadRequest { .. }) => one_by_one.extend(chunk.iter().copied()),
                Err(e) => return Err(e),
            }
        }
        for (n, id) in one_by_one.into_iter().enumerate() {
            let name = if n < MAX_SINGLE_READS {
                let user = client.get_user_metadata().id(id.as_str()).execute().await?;
                user.and_then(|u| u.display_name().map(str::to_string))
            } else {
                None
            };
            found.push((id.clone(), name));
        }
        Ok(found)
    }

    /// Like `execute`, for code that is not async (see [`Client`]).
    pub fn execute_blocking(self) -> Result<Vec<(String, Option<String>)>> {
        block_on_task(self.execute())
    }
}

fn users_path(client: &Client) -> String {
    format!("/v2/objects/{}/uuids", client.sub_key_segment())
}

/// Checks a user id as the service does (REST reference: not empty, at most 92 UTF-8 byte
/// sequences) and that it can be sent as a path segment.
fn validate_user_id(id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::InvalidInput("user id is required".into()));
    }
    if matches!(id, "." | "..") {
        return Err(Error::InvalidInput(format!(
            "user id {id:?} cannot be sent: URLs resolve it as a relative path"
        )));
    }
    if id.chars().count() > 92 {
        return Err(Error::InvalidInput(format!(
            "user id {id:?} is longer than 92 characters"
        )));
    }
    Ok(())
}

/// Whether `id` can be written inside a double-quoted filter string as it is (no quote, no
/// backslash, no control character). Others are best read one by one with
/// [`Client::get_user_metadata`].
pub fn is_plain_filter_value(id: &str) -> bool {
    !id.is_empty() && !id.chars().any(|c| c == '"' || c == '\\' || c.is_control())
}

/// An App Context filter expression matching the users with these ids:
/// `id == "alice" || id == "bob"`. `None` when an id cannot be written plainly (see
/// [`is_plain_filter_value`]) or the list is empty.
pub fn users_with_ids<S: AsRef<str>>(ids: &[S]) -> Option<String> {
    if ids.is_empty() || !ids.iter().all(|id| is_plain_filter_value(id.as_ref())) {
        return None;
    }
    let parts: Vec<String> = ids
        .iter()
        .map(|id| format!("id == \"{}\"", id.as_ref()))
        .collect();
    Some(parts.join(" || "))
}

/// Builder of [`Client::get_user_metadata`].
#[derive(Debug, Clone)]
pub struct GetUserMetadata {
    client: Client,
    id: String,
    include_custom: bool,
}

impl GetUserMetadata {
    /// Whose metadata (required).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Include the `custom` object.
    pub fn include_custom(mut self, include: bool) -> Self {
        self.include_custom = include;
        self
    }
}

impl Endpoint for GetUserMetadata {
    type Output = Option<UserMetadata>;

    fn request(&self) -> Result<Request> {
        validate_user_id(&self.id)?;
        let path = format!("{}/{}", users_path(&self.client), encode_segment(&self.id));
        let request = Request::new(Method::GET, path);
        Ok(if self.include_custom {
            request.param("include", "custom")
        } else {
            request
        })
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<Option<UserMetadata>> {
        decode_user(status, body)
    }
}
executable!(GetUserMetadata => Option<UserMetadata>);

/// Reads a get-user answer: the user, or `None` for App Context's own 404 (no such user). A 404
/// in another shape (a server or proxy without App Context) stays an error.
pub fn decode_user(status: u16, body: &[u8]) -> Result<Option<UserMetadata>> {
    match parse_success::<ObjectsEnvelope<UserMetadata>>(status, body) {
        Ok(envelope) => envelope.data.map(Some).ok_or_else(|| {
            super::answer::malformed(status, "no `data` in the answer".into(), body)
        }),
        Err(Error::Server { status: 404, .. }) if is_objects_not_found(body) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a 404 body is App Context's "not found": `{"status": 404, "error": {...}}`.
fn is_objects_not_found(body: &[u8]) -> bool {
    serde_json::from_slice::<ObjectsEnvelope<Value>>(body)
        .is_ok_and(|e| e.status == 404 && e.error.as_ref().is_some_and(Value::is_object))
}

/// The fields a [`SetUserMetadata`] sends, as the JSON body names them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        rename = "externalId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_id: Option<String>,
    #[serde(
        rename = "profileUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Value>,
}

/// Builder of [`Client::set_user_metadata`].
#[derive(Debug, Clone)]
pub struct SetUserMetadata {
    client: Client,
    id: String,
    data: UserFields,
}

impl SetUserMetadata {
    /// Whose metadata (required).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.data.name = Some(name.into());
        self
    }

    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.data.email = Some(email.into());
        self
    }

    /// A flat object of scalars (the service refuses nested values).
    pub fn custom(mut self, custom: Value) -> Self {
        self.data.custom = Some(custom);
        self
    }
}

impl Endpoint for SetUserMetadata {
    type Output = UserMetadata;

    fn request(&self) -> Result<Request> {
        validate_user_id(&self.id)?;
        if self.data == UserFields::default() {
            return Err(Error::InvalidInput("no field to set".into()));
        }
        let body = serde_json::to_vec(&self.data)
            .map_err(|e| Error::InvalidInput(format!("cannot encode the fields: {e}")))?;
        let path = format!("{}/{}", users_path(&self.client), encode_segment(&self.id));
        let include = if self.data.custom.is_some() {
            "status,type,custom"
        } else {
            "status,type"
        };
        Ok(Request::new(Method::PATCH, path)
            .param("include", include)
            .json_body(body))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<UserMetadata> {
        let envelope: ObjectsEnvelope<UserMetadata> = parse_success(status, body)?;
        envelope
            .data
            .ok_or_else(|| super::answer::malformed(status, "no `data` in the answer".into(), body))
    }
}
executable!(SetUserMetadata => UserMetadata);

/// Builder of [`Client::get_all_user_metadata`].
#[derive(Debug, Clone)]
pub struct GetAllUserMetadata {
    client: Client,
    filter: Option<String>,
    limit: Option<u32>,
    start: Option<String>,
    include_custom: bool,
    include_total_count: bool,
}

impl GetAllUserMetadata {
    /// Only users matching this App Context filter expression.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Users a page, 1 to [`MAX_USERS_LIMIT`]; the service's default (100) when unset.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after this cursor (a previous page's `next`).
    pub fn start(mut self, next: impl Into<String>) -> Self {
        self.start = Some(next.into());
        self
    }

    pub fn include_custom(mut self, include: bool) -> Self {
        self.include_custom = include;
        self
    }

    /// Ask for `totalCount` (`count=true`).
    pub fn include_total_count(mut self, include: bool) -> Self {
        self.include_total_count = include;
        self
    }
}

impl Endpoint for GetAllUserMetadata {
    type Output = UsersPage;

    fn request(&self) -> Result<Request> {
        if let Some(limit) = self.limit
            && !(1..=MAX_USERS_LIMIT).contains(&limit)
        {
            return Err(Error::InvalidInput(format!(
                "limit {limit} is out of range 1..={MAX_USERS_LIMIT}"
            )));
        }
        if self.filter.as_deref().is_some_and(|f| f.trim().is_empty()) {
            return Err(Error::InvalidInput("filter is empty".into()));
        }
        let mut request = Request::new(Method::GET, users_path(&self.client))
            .param_opt("filter", self.filter.as_ref())
            .param_opt("limit", self.limit)
            .param_opt("start", self.start.as_ref());
        if self.include_custom {
            request = request.param("include", "custom");
        }
        if self.include_total_count {
            request = request.param("count", true);
        }
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<UsersPage> {
        decode_users(status, body)
    }
}
executable!(GetAllUserMetadata => UsersPage);

/// Reads a get-all-users answer.
pub fn decode_users(status: u16, body: &[u8]) -> Result<UsersPage> {
    let envelope: ObjectsEnvelope<Vec<UserMetadata>> = parse_success(status, body)?;
    let users = envelope
        .data
        .ok_or_else(|| super::answer::malformed(status, "no `data` in the answer".into(), body))?;
    Ok(UsersPage {
        users,
        next: envelope.next.filter(|n| !n.is_empty()),
        prev: envelope.prev.filter(|p| !p.is_empty()),
        total_count: envelope.total_count,
    })
}
