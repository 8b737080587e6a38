//! Restoring a soft-deleted message as the Chat SDK's `message.restore()` does: by removing
//! every deletion on it (there can be one per user). Removing my own deletion needs nothing
//! more; another user's needs moderator mode, a yes (with an optional reason), and is recorded
//! on the moderation log before it is removed, a record per deletion, like any moderator removal.

use super::chat::is_deletion;
use super::reacting::{Removal, start_removal};
use super::timeline::EntryState;
use super::{App, Command, Confirmation, Overlay};
use crate::moderation::PROMPT_EXCERPT_CHARS;
use crate::pubnub::Timetoken;

/// `u`: restores the message on screen, asking first when others deleted it.
pub(super) fn start(app: &mut App, message_tt: Option<Timetoken>, commands: &mut Vec<Command>) {
    let Some(message) = message_tt.and_then(|tt| app.timeline.get(tt)) else {
        app.info("No message selected");
        return;
    };
    let tt = message.timetoken;
    let deletions = message.counted(|a| is_deletion(a.kind, a.value));
    if deletions.is_empty() {
        app.info("This message is not deleted");
        return;
    }
    if deletions.iter().any(|d| d.state != EntryState::Confirmed) {
        app.info("This message is still being changed; try again in a moment");
        return;
    }
    let mut deleters: Vec<String> = Vec::new();
    for d in &deletions {
        let name = app.user_name(d.action.uuid).to_string();
        if d.action.uuid != app.me && !deleters.contains(&name) {
            deleters.push(name);
        }
    }
    if deleters.is_empty() {
        confirmed(app, tt, "", commands);
    } else if !app.options.moderator {
        app.error(format!(
            "Restoring a message {} deleted needs {}",
            deleters.join(" and "),
            app.moderation_missing()
        ));
    } else {
        let prompt = format!(
            "Restore '{}' (deleted by {})?",
            app.message_excerpt(tt, PROMPT_EXCERPT_CHARS),
            deleters.join(", ")
        );
        app.overlay = Some(Overlay::Confirm {
            target: Confirmation::Restore(tt),
            prompt,
            reason: String::new(),
        });
    }
}

/// The yes (or no question needed): removes every deletion, others' as their owners, each
/// recorded first with `reason`.
pub(super) fn confirmed(app: &mut App, tt: Timetoken, reason: &str, commands: &mut Vec<Command>) {
    let Some(message) = app.timeline.get(tt) else {
        app.error("That message is no longer loaded; nothing restored");
        return;
    };
    let deletions = message.counted(|a| is_deletion(a.kind, a.value));
    for d in deletions {
        let removal = Removal {
            target: d.action.on(tt),
            moderated: d.action.uuid != app.me,
            restore: true,
        };
        start_removal(app, removal, reason, commands);
    }
}
