"""List every message action of a channel page by page (limit 100) with the official PubNub
Python SDK, the way its docs show: pass `start` = the oldest action of the previous page until a
page comes back empty. Prints one JSON line: how many distinct actions and the seconds spent
listing (interpreter start and imports excluded).

usage: list_actions.py HOST:PORT SUB_KEY PUB_KEY CHANNEL
"""
import json
import sys
import time

from pubnub.pnconfiguration import PNConfiguration
from pubnub.pubnub import PubNub

host, sub_key, pub_key, channel = sys.argv[1:5]
config = PNConfiguration()
config.subscribe_key = sub_key
config.publish_key = pub_key
config.user_id = "bench-python"
config.origin = host
config.ssl = False
config.daemon = True
pn = PubNub(config)

seen = set()
start = None
began = time.perf_counter()
while True:
    request = pn.get_message_actions().channel(channel).limit("100")
    if start is not None:
        request = request.start(start)
    actions = request.sync().result.actions
    if not actions:
        break
    for a in actions:
        seen.add(a.action_timetoken)
    start = str(min(int(a.action_timetoken) for a in actions))
elapsed = time.perf_counter() - began
print(json.dumps({"count": len(seen), "seconds": elapsed}))
pn.stop()
