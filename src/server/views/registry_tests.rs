//! Tests of the registry with action views: walks against a plain filter, builds racing
//! commits, the caps.

use super::*;
use crate::pubnub::{StoredAction, Timetoken};
use crate::server::sqlite::Range;
use crate::server::views::ActionView;

type ActionViews = Views<ActionView>;
type View = ActionView;

/// A small deterministic generator (xorshift), for tests.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A 👍 reaction by `uuid` at `tt`, on the message at `tt / 10`.
pub(crate) fn action(tt: u64, uuid: &str) -> StoredAction {
    StoredAction {
        action_timetoken: Timetoken(tt),
        message_timetoken: Timetoken(tt / 10),
        action_type: "reaction".into(),
        uuid: uuid.into(),
        value: "👍".into(),
    }
}

fn text(tt: u64) -> Box<[u8]> {
    tt.to_string().into_bytes().into_boxed_slice()
}

fn add<'a>(channel: &'a str, action: &'a StoredAction) -> Committed<'a> {
    Committed::ActionAdded {
        sub_key: "sk",
        channel,
        action,
    }
}

fn remove(channel: &str, tt: u64) -> Committed<'_> {
    Committed::ActionRemoved {
        sub_key: "sk",
        channel,
        message_tt: tt / 10,
        action_tt: tt,
    }
}

fn tts(view: &RwLock<View>, range: Range, limit: usize) -> Vec<u64> {
    let view = view.read().unwrap();
    view.newest(range, limit).map(|(tt, _)| tt).collect()
}

fn ready(views: &ActionViews, channel: &str) -> Option<Arc<RwLock<View>>> {
    match views.lookup("sk", channel) {
        Lookup::Ready(view) => Some(view),
        _ => None,
    }
}

#[test]
fn walks_match_a_plain_filter() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let all: Vec<u64> = (0..300).map(|_| 1 + rng.below(1000)).collect();
    let view = RwLock::new(View::new(all.iter().map(|&tt| (tt, text(tt)))));
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    for _ in 0..500 {
        let start = (rng.below(4) > 0).then(|| rng.below(1100));
        let end = (rng.below(3) > 0).then(|| rng.below(1100));
        let limit = 1 + rng.below(120) as usize;
        let want: Vec<u64> = sorted
            .iter()
            .rev()
            .filter(|&&tt| start.is_none_or(|s| tt < s) && end.is_none_or(|e| tt >= e))
            .take(limit)
            .copied()
            .collect();
        assert_eq!(tts(&view, Range { start, end }, limit), want);
    }
    let huge = Range {
        start: Some(u64::MAX),
        end: Some(u64::MAX),
    };
    assert!(tts(&view, huge, 10).is_empty(), "end past start is empty");
}

#[test]
fn a_build_replays_what_was_committed_while_it_scanned() {
    let views = ActionViews::default();
    let Lookup::Build(ticket) = views.lookup("sk", "c") else {
        panic!("the first reader builds");
    };
    assert!(matches!(views.lookup("sk", "c"), Lookup::Uncached));
    let (a5, a6) = (action(5, "x"), action(6, "y"));
    // Committed during the scan: 5 added then removed (the scan saw the add), 6 added (unseen),
    // 2 removed (the scan saw it still there).
    views.apply(&[add("c", &a5), remove("c", 5), add("c", &a6), remove("c", 2)]);
    let scanned = View::new([(2, text(2)), (3, text(3)), (5, text(5))]);
    let view = views.install("sk", "c", ticket, Some(scanned)).unwrap();
    assert_eq!(tts(&view, Range::default(), 10), [6, 3]);
    views.apply(&[add("c", &action(7, "z")), remove("c", 3)]);
    assert_eq!(tts(&view, Range::default(), 10), [7, 6]);
    let ready = ready(&views, "c").unwrap();
    assert_eq!(tts(&ready, Range::default(), 10), [7, 6]);
}

#[test]
fn clearing_refuses_builds_under_way() {
    let views = ActionViews::default();
    let Lookup::Build(old) = views.lookup("sk", "c") else {
        panic!("the first reader builds");
    };
    views.clear();
    let Lookup::Build(new) = views.lookup("sk", "c") else {
        panic!("built again after clearing");
    };
    assert!(
        views
            .install("sk", "c", old, Some(View::default()))
            .is_none()
    );
    assert!(
        views
            .install("sk", "c", new, Some(View::default()))
            .is_some()
    );
    views.abandon("sk", "d", old);
    assert!(ready(&views, "c").is_some());
}

#[test]
fn channels_past_the_cap_stay_on_sqlite() {
    let views = ActionViews::with_caps(2, usize::MAX);
    let Lookup::Build(t) = views.lookup("sk", "big") else {
        panic!("the first reader builds");
    };
    assert!(views.install("sk", "big", t, None).is_none());
    assert!(matches!(views.lookup("sk", "big"), Lookup::Uncached));

    let Lookup::Build(t) = views.lookup("sk", "grows") else {
        panic!("the first reader builds");
    };
    let two = View::new([(1, text(1)), (2, text(2))]);
    assert!(views.install("sk", "grows", t, Some(two)).is_some());
    views.apply(&[add("grows", &action(3, "a"))]);
    assert!(matches!(views.lookup("sk", "grows"), Lookup::Uncached));
    assert_eq!(views.lock().bytes, 0, "its bytes are given back");
}

#[test]
fn least_recently_used_views_go_first() {
    let one = View::new([(10, text(10))]).bytes();
    let views = ActionViews::with_caps(100, 2 * one);
    for channel in ["a", "b", "c"] {
        let Lookup::Build(t) = views.lookup("sk", channel) else {
            panic!("the first reader builds");
        };
        views.install("sk", channel, t, Some(View::new([(10, text(10))])));
        if channel == "b" {
            assert!(ready(&views, "a").is_some(), "a is used again");
        }
    }
    assert!(ready(&views, "a").is_some());
    assert!(ready(&views, "c").is_some());
    assert!(
        matches!(views.lookup("sk", "b"), Lookup::Build(_)),
        "b went"
    );
    assert!(views.lock().bytes <= 2 * one);
}

#[test]
fn a_history_delete_drops_the_view_and_any_build_under_way() {
    let views = ActionViews::default();
    let Lookup::Build(ticket) = views.lookup("sk", "a") else {
        panic!("first lookup builds");
    };
    assert!(
        views
            .install("sk", "a", ticket, Some(View::new([(5, text(5))])))
            .is_some()
    );
    assert!(ready(&views, "a").is_some());
    let deleted = Committed::MessagesDeleted {
        sub_key: "sk",
        channel: "a",
    };
    views.apply(std::slice::from_ref(&deleted));
    let Lookup::Build(ticket) = views.lookup("sk", "a") else {
        panic!("the view went: the next read builds again");
    };
    // Deleted again while that build scans: its snapshot may predate the delete.
    views.apply(std::slice::from_ref(&deleted));
    assert!(
        views
            .install("sk", "a", ticket, Some(View::new([(5, text(5))])))
            .is_none(),
        "a build that raced a delete is not installed"
    );
    assert!(matches!(views.lookup("sk", "a"), Lookup::Build(_)));
}
