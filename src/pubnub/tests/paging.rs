//! Pagers driven by in-memory stores that answer as the service does (reference 1.5 and 2.2):
//! every answer is encoded with the wire shapes and read back by the client's own decoder.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use serde_json::json;

use crate::pubnub::actions::{self, ActionsCursor};
use crate::pubnub::history::{self, HistoryCursor};
use crate::pubnub::wire::{
    ActionsEnvelope, HistoryEnvelope, WireAction, WireHistoryItem, WireMore,
};
use crate::pubnub::{Error, HistoryMessage, Pager, StoredAction, Timetoken};

fn action(tt: u64, uuid: &str) -> StoredAction {
    StoredAction {
        action_timetoken: Timetoken(tt),
        message_timetoken: Timetoken(1),
        action_type: "reaction".into(),
        uuid: uuid.into(),
        value: "👍".into(),
    }
}

#[derive(Default)]
struct ActionStore {
    /// Oldest first; equal timetokens in a fixed order.
    actions: Vec<StoredAction>,
    /// Cut every page to this many, with `more`, as the service may.
    page_cap: Option<usize>,
    /// Misbehave: answer as if no `start` was given.
    ignore_start: bool,
    /// Fail these request numbers (from 0) with a network error.
    fail: Vec<usize>,
    /// The `start` of every request.
    starts: Mutex<Vec<Option<Timetoken>>>,
}

impl ActionStore {
    fn with(tts: impl IntoIterator<Item = u64>) -> Self {
        let actions = tts.into_iter().map(|t| action(t, "u")).collect();
        ActionStore {
            actions,
            ..Default::default()
        }
    }

    /// The newest `limit` actions older than `start` and not older than `end`, oldest first.
    fn answer(
        &self,
        start: Option<Timetoken>,
        end: Option<Timetoken>,
        limit: u32,
    ) -> (u16, Vec<u8>) {
        let n = {
            let mut starts = self.starts.lock().unwrap();
            starts.push(start);
            starts.len() - 1
        };
        if self.fail.contains(&n) {
            return (0, Vec::new());
        }
        let start = if self.ignore_start { None } else { start };
        let in_range: Vec<&StoredAction> = self
            .actions
            .iter()
            .filter(|a| start.is_none_or(|s| a.action_timetoken < s))
            .filter(|a| end.is_none_or(|e| a.action_timetoken >= e))
            .collect();
        let size = (limit as usize).min(self.page_cap.unwrap_or(usize::MAX));
        let skip = in_range.len().saturating_sub(size);
        let page = &in_range[skip..];
        let more = (skip > 0).then(|| WireMore {
            start: page.first().map(|a| a.action_timetoken),
            end,
            limit: Some(limit),
            ..Default::default()
        });
        let envelope = ActionsEnvelope {
            status: 200,
            data: Some(
                page.iter()
                    .map(|a| WireAction::from(*a))
                    .collect::<Vec<_>>(),
            ),
            more,
            error: None,
        };
        (200, serde_json::to_vec(&envelope).unwrap())
    }

    fn pager(
        self: &Arc<Self>,
        start: Option<u64>,
        end: Option<u64>,
        limit: u32,
    ) -> Pager<StoredAction> {
        let store = Arc::clone(self);
        let end = end.map(Timetoken);
        let cursor = ActionsCursor::new(start.map(Timetoken), end, limit);
        Pager::new(
            cursor,
            Box::new(move |start| {
                let (status, body) = store.answer(start, end, limit);
                let page = if status == 0 {
                    Err(Error::Network {
                        message: "connection reset".into(),
                    })
                } else {
                    actions::decode_get(status, &body)
                };
                Box::pin(async move { page })
            }),
        )
    }

    fn requests(&self) -> usize {
        self.starts.lock().unwrap().len()
    }
}

fn pages<T>(mut pager: Pager<T>) -> Vec<Vec<T>>
where
    T: Send + 'static,
{
    let mut out = Vec::new();
    while let Some(page) = block_on(pager.next_page()).unwrap() {
        out.push(page);
    }
    out
}

fn assert_each_once(got: &[StoredAction], want: &[StoredAction]) {
    let unique: HashSet<&StoredAction> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "an action came twice");
    let want: HashSet<&StoredAction> = want.iter().collect();
    assert_eq!(unique, want);
}

#[test]
fn actions_pages_go_back_in_time_without_repeats_or_gaps() {
    let store = Arc::new(ActionStore::with(1000..1250));
    let pages = pages(store.pager(None, None, 100));
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    // Each request after the first re-reads the boundary action (so ties are not lost).
    assert_eq!(sizes, [100, 99, 51]);
    assert_eq!(pages[0].first().unwrap().action_timetoken, Timetoken(1150));
    assert!(pages.iter().all(|p| {
        p.windows(2)
            .all(|w| w[0].action_timetoken < w[1].action_timetoken)
    }));
    assert!(
        pages
            .windows(2)
            .all(|w| w[1].last().unwrap().action_timetoken < w[0][0].action_timetoken)
    );
    let all: Vec<StoredAction> = pages.concat();
    assert_each_once(&all, &store.actions);
    assert_eq!(
        store.requests(),
        3,
        "a short page without more ends the walk"
    );
}

#[test]
fn collect_all_is_oldest_first() {
    let store = Arc::new(ActionStore::with((0..30).map(|n| 500 + n * 7)));
    let all = store.pager(None, None, 4).collect_all_blocking().unwrap();
    assert_eq!(all, store.actions);
}

#[test]
fn actions_sharing_a_timetoken_across_a_page_boundary_are_not_lost() {
    let store = ActionStore {
        actions: vec![
            action(10, "a"),
            action(20, "b"),
            action(20, "c"),
            action(30, "d"),
            action(40, "e"),
        ],
        ..Default::default()
    };
    let store = Arc::new(store);
    // The first page ends at c (20); b shares that timetoken and comes on the next page.
    let all = store.pager(None, None, 3).collect_all_blocking().unwrap();
    assert_each_once(&all, &store.actions);
}

#[test]
fn actions_pager_keeps_to_the_callers_bounds() {
    let store = Arc::new(ActionStore::with(0..100));
    let all = store
        .pager(Some(80), Some(25), 10)
        .collect_all_blocking()
        .unwrap();
    let want: Vec<StoredAction> = (25..80).map(|t| action(t, "u")).collect();
    assert_eq!(all, want);
    assert_eq!(store.starts.lock().unwrap()[0], Some(Timetoken(80)));
}

#[test]
fn a_one_action_page_stops_at_the_end_bound_without_asking_below_it() {
    let store = Arc::new(ActionStore::with(0..6));
    let all = store
        .pager(None, Some(3), 1)
        .collect_all_blocking()
        .unwrap();
    let want: Vec<StoredAction> = (3..6).map(|t| action(t, "u")).collect();
    assert_eq!(all, want);
    let starts = store.starts.lock().unwrap();
    assert!(
        starts.iter().flatten().all(|s| *s > Timetoken(3)),
        "a request started at or below the end: {starts:?}"
    );
}

#[test]
fn a_page_cut_short_with_more_is_followed() {
    let mut store = ActionStore::with(0..7);
    store.page_cap = Some(2);
    let store = Arc::new(store);
    let all = store.pager(None, None, 5).collect_all_blocking().unwrap();
    assert_each_once(&all, &store.actions);
}

#[test]
fn a_service_that_ignores_start_cannot_make_it_loop_or_repeat() {
    let mut store = ActionStore::with(0..10);
    store.ignore_start = true;
    let store = Arc::new(store);
    let all = store.pager(None, None, 3).collect_all_blocking().unwrap();
    assert_each_once(&all, &store.actions[7..]);
    assert!(store.requests() <= 4, "{} requests", store.requests());
}

#[test]
fn an_empty_listing_is_one_request() {
    let store = Arc::new(ActionStore::with([]));
    assert!(pages(store.pager(None, None, 100)).is_empty());
    assert_eq!(store.requests(), 1);
}

#[test]
fn a_failed_page_can_be_retried_without_loss() {
    let mut store = ActionStore::with(0..25);
    store.fail = vec![1];
    let store = Arc::new(store);
    let mut pager = store.pager(None, None, 10);
    let mut got = block_on(pager.next_page()).unwrap().unwrap();
    assert!(matches!(
        block_on(pager.next_page()),
        Err(Error::Network { .. })
    ));
    while let Some(page) = block_on(pager.next_page()).unwrap() {
        got.extend(page);
    }
    assert_each_once(&got, &store.actions);
    let starts = store.starts.lock().unwrap();
    assert_eq!(starts[1], starts[2], "the retry asks for the same page");
}

/// Channel -> message timetokens.
struct HistoryStore {
    channels: BTreeMap<String, Vec<u64>>,
    requests: Mutex<Vec<Option<Timetoken>>>,
}

impl HistoryStore {
    fn new(channels: &[(&str, Vec<u64>)]) -> Arc<Self> {
        Arc::new(HistoryStore {
            channels: channels
                .iter()
                .map(|(c, tts)| (c.to_string(), tts.clone()))
                .collect(),
            requests: Mutex::new(Vec::new()),
        })
    }

    /// Per channel, the newest `max` messages older than `start` and not older than `end`.
    fn answer(
        &self,
        start: Option<Timetoken>,
        end: Option<Timetoken>,
        max: usize,
    ) -> (u16, Vec<u8>) {
        self.requests.lock().unwrap().push(start);
        let mut channels = BTreeMap::new();
        for (channel, tts) in &self.channels {
            let in_range: Vec<u64> = tts
                .iter()
                .copied()
                .filter(|t| start.is_none_or(|s| *t < s.get()) && end.is_none_or(|e| *t >= e.get()))
                .collect();
            let page = &in_range[in_range.len().saturating_sub(max)..];
            if page.is_empty() {
                continue;
            }
            let items = page.iter().map(|t| WireHistoryItem {
                message: json!(format!("{channel}-{t}")),
                timetoken: Timetoken(*t),
                meta: None,
                uuid: Some("u".into()),
                message_type: None,
                custom_message_type: None,
                actions: None,
            });
            channels.insert(channel.clone(), items.collect());
        }
        let envelope = HistoryEnvelope {
            status: 200,
            error: false,
            error_message: String::new(),
            channels,
            more: None,
        };
        (200, serde_json::to_vec(&envelope).unwrap())
    }

    fn pager(
        self: &Arc<Self>,
        channels: &[&str],
        end: Option<u64>,
        max: usize,
    ) -> Pager<HistoryMessage> {
        let store = Arc::clone(self);
        let end = end.map(Timetoken);
        let cursor =
            HistoryCursor::new(None, end, channels.iter().map(|c| c.to_string()).collect());
        Pager::new(
            cursor,
            Box::new(move |start| {
                let (status, body) = store.answer(start, end, max);
                let page = history::decode(status, &body);
                Box::pin(async move { page })
            }),
        )
    }
}

fn ids(messages: &[HistoryMessage]) -> Vec<(String, u64)> {
    messages
        .iter()
        .map(|m| (m.channel.clone(), m.timetoken.get()))
        .collect()
}

#[test]
fn history_pages_back_until_a_page_comes_back_empty() {
    let store = HistoryStore::new(&[("a", (1..=230).collect())]);
    let pages = pages(store.pager(&["a"], None, 100));
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 30]);
    assert_eq!(
        *store.requests.lock().unwrap(),
        [
            None,
            Some(Timetoken(131)),
            Some(Timetoken(31)),
            Some(Timetoken(1))
        ]
    );
    let all = store
        .pager(&["a"], None, 100)
        .collect_all_blocking()
        .unwrap();
    let want: Vec<(String, u64)> = (1..=230).map(|t| ("a".to_string(), t)).collect();
    assert_eq!(ids(&all), want);
}

#[test]
fn history_of_several_channels_misses_none_of_the_sparser_ones() {
    let dense: Vec<u64> = (1000..1060).collect();
    let sparse: Vec<u64> = (0..10).map(|n| 10 + n * 100).collect();
    let store = HistoryStore::new(&[("dense", dense.clone()), ("sparse", sparse.clone())]);
    let all = store
        .pager(&["dense", "sparse", "silent"], None, 25)
        .collect_all_blocking()
        .unwrap();
    let got: HashSet<(String, u64)> = ids(&all).into_iter().collect();
    assert_eq!(got.len(), all.len(), "a message came twice");
    let want: HashSet<(String, u64)> = dense
        .iter()
        .map(|t| ("dense".to_string(), *t))
        .chain(sparse.iter().map(|t| ("sparse".to_string(), *t)))
        .collect();
    assert_eq!(got, want);
    for channel in ["dense", "sparse"] {
        let tts: Vec<u64> = all
            .iter()
            .filter(|m| m.channel == channel)
            .map(|m| m.timetoken.get())
            .collect();
        assert!(
            tts.windows(2).all(|w| w[0] < w[1]),
            "{channel} not ascending"
        );
    }
}

#[test]
fn history_pager_stops_at_the_end_bound() {
    let store = HistoryStore::new(&[("a", (1..=100).collect())]);
    let all = store
        .pager(&["a"], Some(61), 10)
        .collect_all_blocking()
        .unwrap();
    let want: Vec<(String, u64)> = (61..=100).map(|t| ("a".to_string(), t)).collect();
    assert_eq!(ids(&all), want);
    assert_eq!(
        store.requests.lock().unwrap().len(),
        4,
        "no request below the end bound"
    );
}
