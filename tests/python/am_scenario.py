"""The official PubNub Python SDK's Access Manager v3 against the embedded server.

Usage: am_scenario.py ORIGIN SUB_KEY PUB_KEY SECRET_KEY grant
       am_scenario.py ORIGIN SUB_KEY PUB_KEY SECRET_KEY expired SHORT_TOKEN

`grant`: grant_token with channels, patterns, groups, uuids, meta and an authorized uuid;
parse_token of the answer field by field; set_token, then every operation the token allows and
every one it refuses (publish without write, add without write, remove without delete, history
without read, another uuid than the authorized one, another keyset); revoke_token and the
revoked token refused. Last, a token of 1 minute is granted, used and printed, so that the test
can move the server's clock past it and run `expired`, which checks that it is refused.

One JSON line per step on stdout; exits non-zero, with the reason on stderr, at the first
result that is not what the real service would give.
"""

import json
import sys

from pubnub.exceptions import PubNubException
from pubnub.models.consumer.message_actions import PNMessageAction
from pubnub.models.consumer.v3.channel import Channel
from pubnub.models.consumer.v3.group import Group
from pubnub.models.consumer.v3.uuid import UUID

from sdk_scenario import check, report, run
from sdk_scenario import client as sdk_client

CH = "py.room1"        # read + write
RO = "py.readonly"     # read only
OPEN = "py.open.yard"  # by pattern: read + write + delete
SHORT = "py.short"


def client(origin, sub_key, pub_key, user_id, secret=None, token=None):
    """A client as the SDK scenario makes one, holding `token` when given."""
    pn = sdk_client(origin, sub_key, pub_key, secret, user_id)
    if token:
        pn.set_token(token)
    return pn


def refused(call):
    """(status, message) of a call that must fail."""
    try:
        call()
    except PubNubException as e:
        body = e._errormsg
        try:
            parsed = json.loads(body)
        except (TypeError, ValueError):
            parsed = {}
        message = None
        if isinstance(parsed, dict):
            error = parsed.get("error")
            message = error.get("message") if isinstance(error, dict) else parsed.get("message")
        return e.get_status_code(), message
    raise AssertionError("the call succeeded but should have been refused")


def publish(pn, channel):
    return pn.publish().channel(channel).message({"text": "hi"}).sync().result.timetoken


def add(pn, channel, mt, value="\U0001F44D"):
    action = PNMessageAction().create(type="reaction", value=value, message_timetoken=str(mt))
    return pn.add_message_action().channel(channel).message_action(action).sync().result


def remove(pn, channel, mt, at):
    return (pn.remove_message_action().channel(channel)
            .message_timetoken(mt).action_timetoken(at).sync())


def history(pn, channel):
    return pn.fetch_messages().channels(channel).count(25).sync().result.channels


NONE = {"read": False, "write": False, "manage": False, "delete": False,
        "get": False, "update": False, "join": False}


def perms(**on):
    return {**NONE, **{k: True for k in on}}


def grant_phase(origin, sub_key, pub_key, secret):
    admin = client(origin, sub_key, pub_key, "py-admin", secret=secret)

    env = (admin.grant_token()
           .channels([Channel.id(CH).read().write(), Channel.id(RO).read(),
                      Channel.pattern("^py\\.open\\.").read().write().delete()])
           .groups([Group.id("py-group").read().manage()])
           .uuids([UUID.id("py-alice").get().update(), UUID.pattern("^py-").get()])
           .authorized_uuid("py-alice")
           .meta({"role": "user", "level": 3})
           .ttl(60)
           .sync())
    token = env.result.token
    check(isinstance(token, str) and token, f"token {token!r}")
    report("grant", token=token)

    # parse_token, field by field.
    t = admin.parse_token(token)
    check(t["version"] == 2, f"version {t['version']!r}")
    check(t["ttl"] == 60, f"ttl {t['ttl']!r}")
    check(isinstance(t["timestamp"], int), f"timestamp {t['timestamp']!r}")
    check(t["authorized_uuid"] == "py-alice", f"authorized_uuid {t['authorized_uuid']!r}")
    res, pat = t["resources"], t["patterns"]
    check(res["channels"] == {CH: perms(read=1, write=1), RO: perms(read=1)},
          f"resources.channels {res['channels']!r}")
    check(res["groups"] == {"py-group": perms(read=1, manage=1)}, f"groups {res['groups']!r}")
    check(res["uuids"] == {"py-alice": perms(get=1, update=1)}, f"uuids {res['uuids']!r}")
    check(pat["channels"] == {"^py\\.open\\.": perms(read=1, write=1, delete=1)},
          f"patterns.channels {pat['channels']!r}")
    check(pat["groups"] == {}, f"patterns.groups {pat['groups']!r}")
    check(pat["uuids"] == {"^py-": perms(get=1)}, f"patterns.uuids {pat['uuids']!r}")
    check(t["meta"] == {"role": "user", "level": 3}, f"meta {t['meta']!r}")
    report("parse", timestamp=t["timestamp"], ttl=t["ttl"], authorized_uuid=t["authorized_uuid"])

    # What the token allows.
    alice = client(origin, sub_key, pub_key, "py-alice", token=token)
    mt = publish(alice, CH)
    own = add(alice, CH, mt)
    check(own.uuid == "py-alice", f"action uuid {own.uuid!r}")
    check(CH in history(alice, CH), "history of a readable channel")
    history(alice, RO)
    alice.get_message_actions().channel(RO).sync()
    open_mt = publish(alice, OPEN)
    open_action = add(alice, OPEN, open_mt)
    remove(alice, OPEN, open_mt, open_action.action_timetoken)
    report("allowed", message=mt, action=int(own.action_timetoken))

    # What it refuses.
    refusals = {
        "publish without write": refused(lambda: publish(alice, RO)),
        "add without write": refused(lambda: add(alice, RO, mt)),
        "remove without delete": refused(lambda: remove(alice, CH, mt, own.action_timetoken)),
        "history without read": refused(lambda: history(alice, "py.secret")),
    }
    mallory = client(origin, sub_key, pub_key, "py-mallory", token=token)
    refusals["another uuid"] = refused(lambda: publish(mallory, CH))
    elsewhere = client(origin, "sub-c-other", pub_key, "py-alice", token=token)
    refusals["another keyset"] = refused(lambda: publish(elsewhere, CH))
    for what, (status, _) in refusals.items():
        check(status == 403, f"{what}: status {status}")
    report("refused", **{k: v[0] for k, v in refusals.items()})

    # revoke_token: the token is refused from then on.
    bob_token = (admin.grant_token().channels([Channel.id(CH).read().write()])
                 .authorized_uuid("py-bob").ttl(60).sync().result.token)
    bob = client(origin, sub_key, pub_key, "py-bob", token=bob_token)
    publish(bob, CH)
    admin.revoke_token(bob_token).sync()
    status, message = refused(lambda: publish(bob, CH))
    check((status, message) == (403, "Token is revoked"), f"revoked: {status} {message!r}")
    report("revoked", status=status, message=message)

    # A token of one minute, for the expiry check after the clock has moved.
    short = (admin.grant_token().channels([Channel.id(SHORT).write()]).ttl(1)
             .sync().result.token)
    publish(client(origin, sub_key, pub_key, "py-anyone", token=short), SHORT)
    report("short", token=short)
    for pn in (admin, alice, mallory, elsewhere, bob):
        pn.stop()


def expired_phase(origin, sub_key, pub_key, secret, short):
    user = client(origin, sub_key, pub_key, "py-anyone", token=short)
    status, message = refused(lambda: publish(user, SHORT))
    check((status, message) == (403, "Token is expired."), f"expired: {status} {message!r}")
    admin = client(origin, sub_key, pub_key, "py-admin", secret=secret)
    code, why = refused(lambda: admin.revoke_token(short).sync())
    check((code, why) == (400, "Invalid token"), f"revoking an expired token: {code} {why!r}")
    report("expired", status=status, message=message)
    user.stop()
    admin.stop()


def main():
    origin, sub_key, pub_key, secret, phase = sys.argv[1:6]
    if phase == "grant":
        grant_phase(origin, sub_key, pub_key, secret)
    else:
        expired_phase(origin, sub_key, pub_key, secret, sys.argv[6])
    report("done")


if __name__ == "__main__":
    run(main)
