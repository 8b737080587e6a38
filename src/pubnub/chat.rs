//! Channel names PubNub's Chat SDK derives from a channel, so data it wrote can be found: a
//! message's thread (`PUBNUB_INTERNAL_THREAD_{channel}_{message timetoken}`, js-chat
//! `entities/chat.ts` `createThreadChannel`, kmp-chat `THREAD_ROOT_ID`) and the channel its
//! `message.report(reason)` publishes to (`PUBNUB_INTERNAL_MODERATION_{channel}`, js-chat
//! `entities/message.ts` `report`, kmp-chat `BaseMessage.kt`). Pure naming: no request.

use super::Timetoken;

/// Prefix of a thread's channel.
pub const THREAD_PREFIX: &str = "PUBNUB_INTERNAL_THREAD_";
/// Prefix of the channel reports of a channel's messages are published to.
pub const MODERATION_PREFIX: &str = "PUBNUB_INTERNAL_MODERATION_";

/// The thread channel of message `tt` in `channel`.
pub fn thread_channel(channel: &str, tt: Timetoken) -> String {
    format!("{THREAD_PREFIX}{channel}_{tt}")
}

/// The parent channel and root message of a thread channel; `None` for any other name.
pub fn thread_root(thread: &str) -> Option<(&str, Timetoken)> {
    let rest = thread.strip_prefix(THREAD_PREFIX)?;
    let (channel, tt) = rest.rsplit_once('_')?;
    let tt = tt.parse::<u64>().ok()?;
    (!channel.is_empty()).then_some((channel, Timetoken(tt)))
}

/// The channel the Chat SDK publishes `channel`'s reports to.
pub fn moderation_channel(channel: &str) -> String {
    format!("{MODERATION_PREFIX}{channel}")
}

/// The channel whose reports `moderation` holds; `None` for any other name.
pub fn reported_channel(moderation: &str) -> Option<&str> {
    moderation
        .strip_prefix(MODERATION_PREFIX)
        .filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_and_moderation_channels_are_named_as_the_chat_sdk_names_them() {
        let thread = thread_channel("chats.room_1", Timetoken(17000000000000001));
        assert_eq!(
            thread,
            "PUBNUB_INTERNAL_THREAD_chats.room_1_17000000000000001"
        );
        assert_eq!(
            thread_root(&thread),
            Some(("chats.room_1", Timetoken(17000000000000001)))
        );
        assert_eq!(thread_root("chats.room1"), None);
        assert_eq!(thread_root("PUBNUB_INTERNAL_THREAD_x_notanumber"), None);
        assert_eq!(
            moderation_channel("chats.room1"),
            "PUBNUB_INTERNAL_MODERATION_chats.room1"
        );
        assert_eq!(
            reported_channel(&moderation_channel("chats.room1")),
            Some("chats.room1")
        );
        assert_eq!(reported_channel("chats.room1"), None);
        assert_eq!(reported_channel("PUBNUB_INTERNAL_MODERATION_"), None);
    }
}
