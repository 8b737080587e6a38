//! Showing one message on the Timeline, asked for from another screen (a report's message, an
//! audit record's): selected when loaded, else loaded down to it.

use super::{App, Command, Op, Screen};
use crate::pubnub::Timetoken;

/// Shows message `tt` on the Timeline: selected at once when loaded, else after every message
/// down to it is read; said to be gone when it would be among what is loaded but is not.
/// `which` names it in what the status bar says ("the reported message").
pub(super) fn show_message(app: &mut App, tt: Timetoken, which: &str, commands: &mut Vec<Command>) {
    app.screen = Screen::Timeline;
    if app.timeline.get(tt).is_some() {
        app.selected = Some(tt);
        app.follow = app.timeline.last().is_some_and(|m| m.timetoken == tt);
        return;
    }
    let oldest = app.timeline.first().map(|m| m.timetoken);
    if oldest.is_some_and(|o| tt > o) || app.timeline.reached_start {
        let mut gone = which.to_string();
        if let Some(first) = gone.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        app.info(format!("{gone} is no longer in the channel (deleted?)"));
        return;
    }
    app.info(format!("Loading the history down to {which}…"));
    let op = app.begin(Op::JumpTo(tt));
    commands.push(Command::RefreshHistory {
        op,
        channel: app.channel.clone(),
        start: None,
        end: tt,
    });
}
