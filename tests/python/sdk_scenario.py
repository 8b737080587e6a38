"""The official PubNub Python SDK against the embedded server.

Usage: sdk_scenario.py ORIGIN SUB_KEY PUB_KEY CHANNEL [SECRET_KEY]

ORIGIN is host:port (plain HTTP). Checks every result field by field and prints one JSON line
per step with what the server returned, for the Rust test to cross-check. Exits non-zero, with
the reason on stderr, at the first result that is not what the real service would give.
"""

import json
import os
import queue
import sys
import threading

from pubnub.callbacks import SubscribeCallback
from pubnub.enums import PNStatusCategory
from pubnub.exceptions import PubNubException
from pubnub.models.consumer.message_actions import PNMessageAction
from pubnub.pnconfiguration import PNConfiguration
from pubnub.pubnub import PubNub

WAIT = 15  # seconds to wait for a live event


def report(step, **values):
    print(json.dumps({"step": step, **values}, ensure_ascii=False), flush=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def client(origin, sub_key, pub_key, secret, user_id):
    cfg = PNConfiguration()
    cfg.subscribe_key = sub_key
    cfg.publish_key = pub_key
    cfg.user_id = user_id
    cfg.origin = origin
    cfg.ssl = False
    cfg.daemon = True  # a long poll in flight must not keep the process alive
    cfg.enable_subscribe = True
    if secret:
        cfg.secret_key = secret
    return PubNub(cfg)


class Listener(SubscribeCallback):
    def __init__(self):
        self.connected = threading.Event()
        self.messages = queue.Queue()
        self.actions = queue.Queue()
        self.errors = queue.Queue()

    def status(self, pubnub, status):
        if status.category == PNStatusCategory.PNConnectedCategory:
            self.connected.set()
        elif status.is_error():
            self.errors.put(str(status.category))

    def message(self, pubnub, message):
        self.messages.put(message)

    def message_action(self, pubnub, message_action):
        self.actions.put(message_action)

    def presence(self, pubnub, presence):
        pass


def next_event(q, what):
    try:
        return q.get(timeout=WAIT)
    except queue.Empty:
        raise AssertionError(f"no {what} within {WAIT} s")


def status_of(call):
    try:
        call()
    except PubNubException as e:
        return e.get_status_code()
    raise AssertionError("the call succeeded but should have failed")


def check_action(a, *, type_, value, uuid, message_tt, action_tt=None):
    check(a.type == type_, f"type {a.type!r} != {type_!r}")
    check(a.value == value, f"value {a.value!r} != {value!r}")
    check(a.uuid == uuid, f"uuid {a.uuid!r} != {uuid!r}")
    check(isinstance(a.message_timetoken, str), f"messageTimetoken is {type(a.message_timetoken)}")
    check(isinstance(a.action_timetoken, str), f"actionTimetoken is {type(a.action_timetoken)}")
    check(int(a.message_timetoken) == message_tt, f"messageTimetoken {a.message_timetoken} != {message_tt}")
    if action_tt is not None:
        check(int(a.action_timetoken) == action_tt, f"actionTimetoken {a.action_timetoken} != {action_tt}")


def main():
    origin, sub_key, pub_key, channel = sys.argv[1:5]
    secret = sys.argv[5] if len(sys.argv) > 5 else None
    me = "py-alice"
    pn = client(origin, sub_key, pub_key, secret, me)

    now = int(pn.time().sync().result)
    check(isinstance(now, int) and now > 16_000_000_000_000_000, f"time {now!r}")
    report("time", timetoken=now)

    listener = Listener()
    pn.add_listener(listener)
    pn.subscribe().channels([channel]).execute()
    check(listener.connected.wait(WAIT), "no PNConnectedCategory")
    report("connected")

    # Publish; the subscription sees it.
    env = pn.publish().channel(channel).message({"text": "hello from python"}).meta({"lang": "py"}).sync()
    mt = env.result.timetoken
    check(isinstance(mt, int) and mt > now, f"publish timetoken {mt!r}")
    live = next_event(listener.messages, "message")
    check(live.message == {"text": "hello from python"}, f"live message {live.message!r}")
    check(live.channel == channel, f"live channel {live.channel!r}")
    check(live.publisher == me, f"live publisher {live.publisher!r}")
    check(int(live.timetoken) == mt, f"live timetoken {live.timetoken} != {mt}")
    check(live.user_metadata == {"lang": "py"}, f"live meta {live.user_metadata!r}")
    report("publish", timetoken=mt)

    # Two actions; each comes back whole and arrives live with its author.
    added = []
    for value in ["\U0001F44D", "\U0001F389"]:
        action = PNMessageAction().create(type="reaction", value=value, message_timetoken=str(mt))
        res = pn.add_message_action().channel(channel).message_action(action).sync().result
        check_action(res, type_="reaction", value=value, uuid=me, message_tt=mt)
        at = int(res.action_timetoken)
        check(at > mt, f"action timetoken {at} not after message {mt}")
        ev = next_event(listener.actions, "message-action event")
        check_action(ev, type_="reaction", value=value, uuid=me, message_tt=mt, action_tt=at)
        added.append(at)
    check(added[0] < added[1], f"action timetokens not increasing: {added}")
    report("add", action_timetokens=added)

    dup = PNMessageAction().create(type="reaction", value="\U0001F44D", message_timetoken=str(mt))
    code = status_of(lambda: pn.add_message_action().channel(channel).message_action(dup).sync())
    check(code == 409, f"duplicate add gave {code}")
    report("duplicate", status=code)

    # Get: everything ascending; limit 1 is the newest; start is exclusive; end inclusive.
    def get(**kw):
        call = pn.get_message_actions().channel(channel)
        for k, v in kw.items():
            call = getattr(call, k)(v)
        return call.sync().result.actions

    every = get()
    check([int(a.action_timetoken) for a in every] == added, f"get all: {[str(a) for a in every]}")
    for a, value in zip(every, ["\U0001F44D", "\U0001F389"]):
        check_action(a, type_="reaction", value=value, uuid=me, message_tt=mt)
    newest = get(limit="1")
    check([int(a.action_timetoken) for a in newest] == [added[1]], "limit 1 is not the newest")
    older = get(start=str(added[1]))
    check([int(a.action_timetoken) for a in older] == [added[0]], "start is not exclusive")
    from_end = get(end=str(added[1]))
    check([int(a.action_timetoken) for a in from_end] == [added[1]], "end is not inclusive")
    report("get", all=[int(a.action_timetoken) for a in every], limit_1=[int(newest[0].action_timetoken)])

    # History with actions: the message whole, its actions grouped type -> value -> authors.
    res = (pn.fetch_messages().channels(channel).include_message_actions(True)
           .include_meta(True).include_uuid(True).count(25).sync().result)
    items = res.channels.get(channel)
    check(items is not None and len(items) == 1, f"fetch_messages channels {list(res.channels)}")
    item = items[0]
    check(int(item.timetoken) == mt, f"history timetoken {item.timetoken} != {mt}")
    check(item.message == {"text": "hello from python"}, f"history message {item.message!r}")
    check(item.meta == {"lang": "py"}, f"history meta {item.meta!r}")
    check(getattr(item, "uuid", None) == me, f"history uuid {getattr(item, 'uuid', None)!r}")
    expected = {"reaction": {
        "\U0001F44D": [{"uuid": me, "actionTimetoken": str(added[0])}],
        "\U0001F389": [{"uuid": me, "actionTimetoken": str(added[1])}],
    }}
    check(item.actions == expected, f"history actions {item.actions!r}")
    report("history", timetoken=int(item.timetoken), actions=item.actions)

    # Removal: another user may not; the author may, and the removal arrives live.
    other = client(origin, sub_key, pub_key, secret, "py-mallory")
    code = status_of(lambda: other.remove_message_action().channel(channel)
                     .message_timetoken(mt).action_timetoken(added[0]).sync())
    check(code == 400, f"removal by another uuid gave {code}")
    pn.remove_message_action().channel(channel).message_timetoken(mt).action_timetoken(added[0]).sync()
    ev = next_event(listener.actions, "removal event")
    check_action(ev, type_="reaction", value="\U0001F44D", uuid=me, message_tt=mt, action_tt=added[0])
    remaining = get()
    check([int(a.action_timetoken) for a in remaining] == [added[1]], "removed action still listed")
    report("remove", removed=added[0], remaining=[added[1]])

    check(listener.errors.empty(), f"subscription errors: {list(listener.errors.queue)}")
    pn.unsubscribe_all()
    pn.stop()
    other.stop()
    report("done")


def run(scenario):
    """Runs `scenario`, then ends the process at once (shared by the scenarios).

    Every check has passed and been reported by then. End here rather than through interpreter
    teardown: the SDK's background threads were once seen to abort it there ("free(): invalid
    pointer", SIGABRT) after "done", which is not what a scenario tests.
    """
    scenario()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    run(main)
