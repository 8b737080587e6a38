// PubNub's official Chat SDK (@pubnub/chat, pinned in package.json) against a server that speaks
// PubNub's REST protocol: the embedded server of `reactions`, started by tests/chat_sdk.rs.
//
// Usage: node chat_scenario.mjs HOST:PORT SUB_KEY PUB_KEY [SECRET_KEY]
// (CHAT_SCENARIO_CROSS=write|read: the cross-check with the browser instead, at the end of the file)
//
// Without a secret key it runs the whole chat flow (users, channels, conversations, memberships,
// messages, reactions, edits, deletes, threads, reports, read receipts, unread counts, typing,
// presence); with one, it runs as the keyset's server and checks signing, moderation
// restrictions, and a user running with a token the server granted. It prints one JSON line per step: {"step", "ok", ...what the SDK returned} or
// {"step", "ok": false, "error", "failedRequests"}. Every step catches its own error and has a
// timeout, so one failing step does not hide the others. The Rust test asserts the values; this
// script only reports them. The last line is {"step": "done"}.
//
// The SDK reaches the server through a small proxy in this process. It passes every request
// through unchanged and remembers it, so that a failing step can say which requests the server
// refused. Set CHAT_SCENARIO_TRACE=FILE to get every request and answer as JSON lines.
//
// Bootstrap: Chat.init itself needs App Context (it reads and creates the current user). When the
// server cannot do that, the scenario still wants to exercise what does not need App Context
// (messages, reactions, edits, reports). Then, and only then, a Chat instance and the public
// channel's handle are obtained with the proxy standing in for App Context endpoints the server
// does not have (404 from "Balancer"), and a "bootstrap" line says so. The stand-in is off during
// every step: each step sees the server as it is, and `init.*` reports the real failure.

import { appendFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The SDK is installed by tests/node_env under target/; CHAT_SDK_NODE_DIR points there. Without it,
// an `npm ci` next to this file works too.
const sdkDir = process.env.CHAT_SDK_NODE_DIR || dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(sdkDir, "package.json"));
const { Chat } = require("@pubnub/chat");

const [upstream, subscribeKey, publishKey, secretKey] = process.argv.slice(2);
if (!upstream || !subscribeKey || !publishKey) {
  console.error("usage: chat_scenario.mjs HOST:PORT SUB_KEY PUB_KEY [SECRET_KEY]");
  process.exit(2);
}
const [upHost, upPort] = upstream.split(":");
const TRACE = process.env.CHAT_SCENARIO_TRACE;

const STEP_TIMEOUT_MS = 8000; // one step, including its waits for live events
const EVENT_WAIT_MS = 4000; // a live event that should come

// ---------------------------------------------------------------------------------------------
// Reporting

function emit(line) {
  process.stdout.write(JSON.stringify(line) + "\n");
}

/** Plain JSON of an SDK value (the SDK's JS objects are maps built by Kotlin/JS). */
function plain(v) {
  if (v === undefined || v === null) return null;
  return JSON.parse(JSON.stringify(v));
}

const opt = (v) => (v === undefined ? null : v);

function describeError(e) {
  const messages = [];
  let status = null;
  let cur = e;
  for (let i = 0; cur && i < 5; i++) {
    const m = cur.message ?? String(cur);
    if (m && !messages.includes(m)) messages.push(m);
    if (!status && cur.status && typeof cur.status === "object") {
      const s = cur.status;
      status = { statusCode: opt(s.statusCode), operation: opt(s.operation), category: opt(s.category) };
      if (s.errorData) status.errorData = plain(s.errorData);
    }
    cur = cur.cause;
  }
  return { error: messages.join(" <- "), status };
}

class Blocked extends Error {}

/** The value of an earlier step, or a Blocked error naming that step. */
function need(value, stepName) {
  if (value === null || value === undefined) throw new Blocked(`blocked: needs step ${stepName}`);
  return value;
}

/** A value the SDK should have given in this step. */
function must(value, what) {
  if (value === null || value === undefined) throw new Error(`${what} gave nothing`);
  return value;
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

/**
 * Runs one step: reports {step, ok, ...fields} where fields are the returned object's keys not
 * starting with "_"; returns the whole object (or null when the step failed).
 */
async function step(name, fn, timeoutMs = STEP_TIMEOUT_MS) {
  currentStep = name;
  const from = trace.length;
  const started = Date.now();
  let result = null;
  let line;
  try {
    result = (await withTimeout(Promise.resolve().then(fn), timeoutMs, name)) ?? {};
    line = { step: name, ok: true };
    for (const [k, v] of Object.entries(result)) if (!k.startsWith("_")) line[k] = v;
  } catch (e) {
    result = null;
    line = { step: name, ok: false, ...(e instanceof Blocked ? { error: e.message } : describeError(e)) };
    const failed = trace.slice(from).filter((r) => !(r.status >= 200 && r.status < 300));
    if (failed.length) line.failedRequests = failed.map(brief);
  }
  line.ms = Date.now() - started;
  emit(line);
  return result;
}

/** Resolves with the first value `accept`ed from a callback-fed stream, or rejects after ms. */
function collector() {
  const seen = [];
  const waiters = [];
  return {
    seen,
    push(v) {
      seen.push(v);
      for (const w of [...waiters]) {
        if (w.accept(v)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(v);
        }
      }
    },
    next(accept, ms = EVENT_WAIT_MS, what = "event") {
      const found = seen.find(accept);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { accept, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no ${what} within ${ms} ms (seen: ${JSON.stringify(seen).slice(0, 300)})`));
          }
        }, ms);
      });
    },
  };
}


// ---------------------------------------------------------------------------------------------
// The proxy: pass-through with a request log, and the bootstrap stand-in (off unless bootstrapping)

const trace = [];
let currentStep = "setup"; // the step a request was made in, for the trace
let standIn = false;
const standInStore = new Map(); // "uuids/alice" -> object

const NOISE = new Set(["pnsdk", "requestid", "signature", "timestamp", "instanceid"]);

function brief(r) {
  const q = Object.entries(r.query)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  let s = `${r.method} ${r.path}${q ? "?" + q : ""}`;
  if (r.body) s += ` body ${r.body.slice(0, 300)}`;
  s += ` -> ${r.status}`;
  if (r.status !== 200 && r.answer) s += ` ${r.answer.slice(0, 200)}`;
  return s;
}

function isMissingEndpoint(status, text) {
  return status === 404 && text.includes('"service":"Balancer"');
}

/** The App Context stand-in, used only while bootstrapping, only where the server has no endpoint. */
function standInAnswer(method, path, query, body) {
  const m = path.match(/^\/v2\/objects\/[^/]+\/(uuids|channels)\/([^/]+)$/);
  if (!m) return null;
  const key = `${m[1]}/${decodeURIComponent(m[2])}`;
  if (method === "GET") {
    const found = standInStore.get(key);
    return found ? { status: 200, body: { status: 200, data: found } } : null;
  }
  if (method === "PATCH") {
    const data = {
      ...(standInStore.get(key) ?? {}),
      ...JSON.parse(body || "{}"),
      id: decodeURIComponent(m[2]),
      updated: new Date().toISOString().replace("Z", "000Z"),
      eTag: "bootstrap",
    };
    standInStore.set(key, data);
    return { status: 200, body: { status: 200, data } };
  }
  return null;
}

function startProxy() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, "http://proxy");
      const query = {};
      for (const [k, v] of url.searchParams) if (!NOISE.has(k)) query[k] = v;
      const record = {
        step: currentStep,
        method: req.method,
        path: decodeURIComponent(url.pathname),
        query,
        body: body.length ? body.toString("utf8") : undefined,
      };
      const headers = { ...req.headers, host: upstream };
      delete headers["accept-encoding"]; // keep answers readable in the log
      const up = http.request(
        { host: upHost, port: Number(upPort), method: req.method, path: req.url, headers },
        (upRes) => {
          const got = [];
          upRes.on("data", (c) => got.push(c));
          upRes.on("end", () => {
            let status = upRes.statusCode;
            let answer = Buffer.concat(got);
            let outHeaders = { ...upRes.headers };
            if (standIn && isMissingEndpoint(status, answer.toString("utf8"))) {
              const stood = standInAnswer(req.method, url.pathname, query, record.body);
              if (stood) {
                status = stood.status;
                answer = Buffer.from(JSON.stringify(stood.body));
                outHeaders = { "content-type": 'text/javascript; charset="UTF-8"' };
                record.standIn = true;
              }
            }
            outHeaders["content-length"] = String(answer.length);
            delete outHeaders["transfer-encoding"];
            record.status = status;
            record.answer = answer.toString("utf8").slice(0, 2000);
            trace.push(record);
            if (TRACE) appendFileSync(TRACE, JSON.stringify(record) + "\n");
            res.writeHead(status, outHeaders);
            res.end(answer);
          });
        },
      );
      up.on("error", (e) => {
        record.status = 0;
        record.answer = `proxy: ${e.message}`;
        trace.push(record);
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ---------------------------------------------------------------------------------------------
// SDK values as plain JSON

const userJson = (u) =>
  u && {
    id: u.id,
    name: opt(u.name),
    externalId: opt(u.externalId),
    profileUrl: opt(u.profileUrl),
    email: opt(u.email),
    custom: plain(u.custom),
    status: opt(u.status),
    type: opt(u.type),
    updated: opt(u.updated),
  };

const channelJson = (c) =>
  c && {
    id: c.id,
    name: opt(c.name),
    description: opt(c.description),
    custom: plain(c.custom),
    status: opt(c.status),
    type: opt(c.type),
    updated: opt(c.updated),
  };

const membershipJson = (m) =>
  m && {
    channelId: m.channel?.id ?? null,
    channelType: opt(m.channel?.type),
    userId: m.user?.id ?? null,
    status: opt(m.status),
    type: opt(m.type),
    custom: plain(m.custom),
    lastReadMessageTimetoken: opt(m.lastReadMessageTimetoken),
    eTag: opt(m.eTag),
    updated: opt(m.updated),
  };

const messageJson = (m) =>
  m && {
    timetoken: m.timetoken,
    channelId: m.channelId,
    userId: m.userId,
    text: m.text,
    content: plain(m.content),
    deleted: m.deleted,
    hasThread: m.hasThread,
    reactions: plain(m.reactions),
    ...(m.parentChannelId !== undefined ? { parentChannelId: m.parentChannelId } : {}),
  };

const restrictionJson = (r) =>
  r && {
    userId: opt(r.userId),
    channelId: opt(r.channelId),
    ban: r.ban,
    mute: r.mute,
    reason: opt(r.reason),
  };

const byId = (a, b) => (a.id ?? a.channelId ?? a.userId).localeCompare(b.id ?? b.channelId ?? b.userId);

// ---------------------------------------------------------------------------------------------
// Chat instances

let proxyOrigin;

function chatConfig(userId, extra = {}) {
  return {
    publishKey,
    subscribeKey,
    userId,
    origin: proxyOrigin,
    ssl: false,
    ...(secretKey ? { secretKey } : {}),
    // Typing indicators expire after this (ms); shorter than the default 5 s keeps the run short.
    typingTimeout: 2000,
    ...extra,
  };
}

/** Waits until `chat` has a live subscription to `channel` (handshake answered). */
function subscribed(chat, channel, ms = EVENT_WAIT_MS) {
  return new Promise((resolve, reject) => {
    const listener = {
      status(s) {
        const chans = [...(s.affectedChannels ?? []), ...(s.subscribedChannels ?? [])];
        if (
          (s.category === "PNConnectedCategory" || s.category === "PNSubscriptionChangedCategory") &&
          chans.includes(channel)
        ) {
          chat.sdk.removeListener(listener);
          clearTimeout(timer);
          resolve();
        }
      },
    };
    const timer = setTimeout(() => {
      chat.sdk.removeListener(listener);
      reject(new Error(`no subscription to ${channel} within ${ms} ms`));
    }, ms);
    chat.sdk.addListener(listener);
  });
}

/** Chat.init as an app would call it; the init step reports what the server made of it. */
async function initStep(name, userId, extra) {
  return step(`init.${name}`, async () => {
    const chat = await Chat.init(chatConfig(userId, extra));
    return { currentUser: userJson(chat.currentUser), _chat: chat };
  });
}

/** Only when init failed: a Chat instance obtained with the App Context stand-in. */
async function bootstrapChat(userId, extra) {
  currentStep = "bootstrap";
  standIn = true;
  try {
    return await Chat.init(chatConfig(userId, extra));
  } finally {
    standIn = false;
  }
}

async function bootstrapChannel(chat, id, data) {
  currentStep = "bootstrap";
  standIn = true;
  try {
    return (await chat.getChannel(id)) ?? (await chat.createPublicConversation({ channelId: id, channelData: data }));
  } finally {
    standIn = false;
  }
}

// ---------------------------------------------------------------------------------------------
// The unsigned run: everything a chat app does

const ROOM = "chats.room1";
const GROUP = "chats.group1";

async function chatFlow() {
  // --- init ---
  const aliceInit = await initStep("alice", "alice");
  const bobInit = await initStep("bob", "bob");
  let alice = aliceInit?._chat;
  let bob = bobInit?._chat;
  const bootstrapped = [];
  if (!alice) {
    alice = await bootstrapChat("alice").catch(() => null);
    bootstrapped.push("alice");
  }
  if (!bob) {
    bob = await bootstrapChat("bob").catch(() => null);
    bootstrapped.push("bob");
  }

  // --- users ---
  const carolData = {
    name: "Carol",
    externalId: "ext-carol",
    profileUrl: "https://example.com/carol.png",
    email: "carol@example.com",
    custom: { team: "blue", level: 3, admin: false },
    status: "active",
    type: "member",
  };
  await step("users.create", async () => ({ user: userJson(await need(alice, "init.alice").createUser("carol", carolData)) }));
  await step("users.create_existing", async () => {
    try {
      await need(alice, "init.alice").createUser("carol", { name: "Carol again" });
    } catch (e) {
      return { rejected: true, error: describeError(e).error };
    }
    return { rejected: false };
  });
  await step("users.get", async () => ({ user: userJson(await need(alice, "init.alice").getUser("carol")) }));
  await step("users.get_missing", async () => ({ user: userJson(await need(alice, "init.alice").getUser("nobody")) }));
  await step("users.update", async () => {
    const user = await need(alice, "init.alice").updateUser("bob", {
      name: "Bob",
      custom: { team: "red" },
      status: "away",
      type: "admin",
    });
    const reread = await alice.getUser("bob");
    return { user: userJson(user), reread: userJson(reread) };
  });
  await step("users.list", async () => {
    const all = await need(alice, "init.alice").getUsers();
    const filtered = await alice.getUsers({ filter: "name LIKE 'Car*'" });
    const byIdFilter = await alice.getUsers({ filter: "id == 'bob'" });
    return {
      ids: all.users.map((u) => u.id).sort(),
      total: opt(all.total),
      filteredIds: filtered.users.map((u) => u.id),
      filteredTotal: opt(filtered.total),
      filteredUsers: filtered.users.map(userJson),
      idFilterIds: byIdFilter.users.map((u) => u.id),
    };
  });
  await step("users.delete", async () => {
    const chat = need(alice, "init.alice");
    await chat.createUser("dave", { name: "Dave" });
    const deleted = await chat.deleteUser("dave");
    const after = await chat.getUser("dave");
    const list = await chat.getUsers();
    return { deleted, after: userJson(after), ids: list.users.map((u) => u.id).sort() };
  });

  // --- channels ---
  const roomData = { name: "Room 1", description: "General talk", custom: { topic: "general", pinned: false } };
  const created = await step("channels.create_public", async () => {
    const channel = await need(alice, "init.alice").createPublicConversation({ channelId: ROOM, channelData: roomData });
    return { channel: channelJson(channel), _channel: channel };
  });
  await step("channels.get", async () => ({ channel: channelJson(await need(alice, "init.alice").getChannel(ROOM)) }));
  await step("channels.get_missing", async () => ({
    channel: channelJson(await need(alice, "init.alice").getChannel("chats.nowhere")),
  }));
  await step("channels.update", async () => {
    const channel = await need(alice, "init.alice").updateChannel(ROOM, {
      name: "Room One",
      description: "News and general talk",
      custom: { topic: "news" },
      status: "open",
    });
    return { channel: channelJson(channel), reread: channelJson(await alice.getChannel(ROOM)) };
  });

  // The public room's handle for the message steps: the created one, else a bootstrapped one.
  let room = created?._channel ?? null;
  if (!room && alice) {
    room = await bootstrapChannel(alice, ROOM, roomData).catch(() => null);
    bootstrapped.push(`channel ${ROOM}`);
  }
  let bobRoom = null;
  if (bob) {
    bobRoom = created ? await bob.getChannel(ROOM).catch(() => null) : await bootstrapChannel(bob, ROOM, roomData).catch(() => null);
  }
  if (bootstrapped.length) {
    emit({
      step: "bootstrap",
      used: bootstrapped,
      why: "Chat.init (or the public channel) needs App Context the server does not serve; handles made with the stand-in",
      gotChats: { alice: !!alice, bob: !!bob },
      gotRoom: { alice: !!room, bob: !!bobRoom },
    });
  }

  // --- conversations ---
  const users = await step("conversations.users", async () => {
    const chat = need(alice, "init.alice");
    const [b, c] = await Promise.all([chat.getUser("bob"), chat.getUser("carol")]);
    return { bob: userJson(b), carol: userJson(c), _bob: must(b, "getUser('bob')"), _carol: must(c, "getUser('carol')") };
  });
  const group = await step("conversations.group", async () => {
    const r = await need(alice, "init.alice").createGroupConversation({
      users: [need(users, "conversations.users")._bob, users._carol],
      channelId: GROUP,
      channelData: { name: "Group 1", description: "Alice, Bob and Carol" },
    });
    return {
      channel: channelJson(r.channel),
      hostMembership: membershipJson(r.hostMembership),
      inviteesMemberships: r.inviteesMemberships.map(membershipJson).sort(byId),
      _channel: r.channel,
    };
  });
  const direct = await step("conversations.direct", async () => {
    const r = await need(alice, "init.alice").createDirectConversation({
      user: need(users, "conversations.users")._bob,
      channelData: { name: "Alice and Bob" },
    });
    return {
      channel: channelJson(r.channel),
      hostMembership: membershipJson(r.hostMembership),
      inviteeMembership: membershipJson(r.inviteeMembership),
      _channel: r.channel,
    };
  });
  await step("channels.list", async () => {
    const chat = need(alice, "init.alice");
    const all = await chat.getChannels();
    const groups = await chat.getChannels({ filter: "type == 'group'" });
    return {
      ids: all.channels.map((c) => c.id).sort(),
      total: opt(all.total),
      groupIds: groups.channels.map((c) => c.id),
      groupTotal: opt(groups.total),
    };
  });

  // --- memberships ---
  await step("memberships.join", async () => {
    // No status: the SDK sends "" (kmp BaseChannel.join `status ?: ""`).
    const membership = await need(created?._channel, "channels.create_public").join({ custom: { role: "host" } });
    return { membership: membershipJson(membership) };
  });
  await step("memberships.user", async () => {
    const r = await need(alice, "init.alice").currentUser.getMemberships();
    return { total: opt(r.total), memberships: r.memberships.map(membershipJson).sort(byId) };
  });
  await step("memberships.members", async () => {
    const r = await need(group?._channel, "conversations.group").getMembers();
    return { total: opt(r.total), members: r.members.map(membershipJson).sort(byId) };
  });
  await step("memberships.has_member", async () => {
    const g = need(group?._channel, "conversations.group");
    return { carol: await g.hasMember("carol"), dave: await g.hasMember("dave") };
  });

  // --- messages: live delivery to two users, then history ---
  const aliceLive = collector();
  const bobLive = collector();
  const sent = {};
  await step("messages.live", async () => {
    const a = need(room, "channels.create_public");
    const b = need(bobRoom, "init.bob");
    const aSub = subscribed(alice, ROOM);
    a.onMessageReceived((m) => aliceLive.push(messageJson(m)));
    await aSub;
    const bSub = subscribed(bob, ROOM);
    b.onMessageReceived((m) => bobLive.push(messageJson(m)));
    await bSub;
    const published = await a.sendText("Hello, room!");
    const tt = String(published.timetoken);
    sent.hello = tt;
    const byAlice = await aliceLive.next((m) => m.timetoken === tt, EVENT_WAIT_MS, "message on alice's side");
    const byBob = await bobLive.next((m) => m.timetoken === tt, EVENT_WAIT_MS, "message on bob's side");
    return { timetoken: tt, alice: byAlice, bob: byBob };
  });
  await step("messages.send", async () => {
    const a = need(room, "channels.create_public");
    const texts = {
      edit: "Helo, wrold",
      soft: "Delete me softly",
      hard: "Delete me for good",
      report: "Buy cheap watches",
      thread: "Start a thread here",
    };
    const timetokens = {};
    for (const [k, text] of Object.entries(texts)) {
      timetokens[k] = String((await a.sendText(text)).timetoken);
      sent[k] = timetokens[k];
    }
    return { timetokens };
  });
  const history = await step("messages.history", async () => {
    const r = await need(room, "channels.create_public").getHistory({ count: 25 });
    return { isMore: r.isMore, messages: r.messages.map(messageJson), _messages: r.messages };
  });
  const msg = (k) =>
    must(need(history, "messages.history")._messages.find((m) => m.timetoken === sent[k]), `the history's message ${k}`);
  const reread = async (k) => messageJson(await room.getMessage(sent[k]));

  // --- reactions ---
  await step("reactions.toggle", async () => {
    const added = await msg("hello").toggleReaction("👍");
    const byBob = await (await need(bobRoom, "init.bob").getMessage(sent.hello)).toggleReaction("👍");
    const bothAlice = await reread("hello");
    const removed = await (await room.getMessage(sent.hello)).toggleReaction("👍");
    const afterAlice = await reread("hello");
    const afterBob = messageJson(await bobRoom.getMessage(sent.hello));
    return {
      added: added.reactions && plain(added.reactions),
      addedHasUserReaction: added.hasUserReaction("👍"),
      byBob: plain(byBob.reactions),
      bothAlice: bothAlice.reactions,
      removed: plain(removed.reactions),
      removedHasUserReaction: removed.hasUserReaction("👍"),
      afterAlice: afterAlice.reactions,
      afterBob: afterBob.reactions,
    };
  });

  // --- edit ---
  await step("edit.text", async () => {
    const edited = await msg("edit").editText("Hello, world");
    const again = await edited.editText("Hello, world!");
    return { edited: messageJson(edited), again: messageJson(again), reread: await reread("edit") };
  });

  // --- soft delete, restore, hard delete ---
  await step("delete.soft", async () => {
    const deleted = await msg("soft").delete({ soft: true });
    return { returned: messageJson(deleted), reread: await reread("soft") };
  });
  await step("delete.restore", async () => {
    const current = await room.getMessage(sent.soft);
    const restored = await current.restore();
    return { returned: messageJson(restored), reread: await reread("soft") };
  });
  await step("delete.hard", async () => {
    const result = await msg("hard").delete();
    const after = await room.getHistory({ count: 25 });
    return {
      returned: result === true ? true : messageJson(result),
      stillInHistory: after.messages.some((m) => m.timetoken === sent.hard),
      historyTimetokens: after.messages.map((m) => m.timetoken),
    };
  });

  // --- threads ---
  const thread = await step("threads.create", async () => {
    const r = await msg("thread").createThread("First reply");
    return {
      threadChannel: { ...channelJson(r.threadChannel), parentChannelId: r.threadChannel.parentChannelId },
      parentMessage: messageJson(r.parentMessage),
      _thread: r.threadChannel,
    };
  });
  await step("threads.reply", async () => {
    const t = need(thread?._thread, "threads.create");
    const r = await t.sendText("Second reply");
    return { timetoken: String(r.timetoken) };
  });
  await step("threads.read", async () => {
    const parent = await room.getMessage(sent.thread);
    const t = await parent.getThread();
    const h = await t.getHistory();
    return {
      parent: messageJson(parent),
      threadChannelId: t.id,
      parentChannelId: t.parentChannelId,
      replies: h.messages.map(messageJson),
    };
  });

  // --- reports (bob reports alice's message) ---
  await step("reports.report", async () => {
    const m = await need(bobRoom, "init.bob").getMessage(sent.report);
    const r = await m.report("spam");
    return { timetoken: String(r.timetoken) };
  });
  await step("reports.history", async () => {
    const r = await need(room, "channels.create_public").getMessageReportsHistory();
    return {
      isMore: r.isMore,
      events: r.events.map((e) => ({
        type: e.type,
        channelId: e.channelId,
        userId: e.userId,
        timetoken: e.timetoken,
        payload: plain(e.payload),
      })),
    };
  });

  // --- typing (group; bob types, alice sees it) ---
  const aliceGroupLive = collector();
  const typing = collector();
  await step("typing", async () => {
    const g = need(group?._channel, "conversations.group");
    const bobGroup = must(await need(bob, "init.bob").getChannel(GROUP), "bob's getChannel(group)");
    const sub = subscribed(alice, GROUP);
    g.onMessageReceived((m) => aliceGroupLive.push(messageJson(m)));
    g.getTyping((ids) => typing.push([...ids].sort()));
    await sub;
    const first = String((await g.sendText("Anyone here?")).timetoken);
    sent.group1 = first;
    await aliceGroupLive.next((m) => m.timetoken === first, EVENT_WAIT_MS, "alice's own group message");
    const started = await bobGroup.startTyping();
    const typingSeen = await typing.next((ids) => ids.includes("bob"), EVENT_WAIT_MS, "bob typing");
    await bobGroup.stopTyping();
    const stoppedSeen = await typing.next(
      (ids) => ids.length === 0 && typing.seen.indexOf(ids) > typing.seen.indexOf(typingSeen),
      EVENT_WAIT_MS,
      "bob stopped typing",
    );
    return { startTimetoken: started ? String(started.timetoken) : null, typing: typingSeen, stopped: stoppedSeen, seen: typing.seen };
  });

  // --- unread counts and read receipts ---
  await step("unread.setup", async () => {
    const g = need(group?._channel, "conversations.group");
    const d = need(direct?._channel, "conversations.direct");
    if (!sent.group1) sent.group1 = String((await g.sendText("Anyone here?")).timetoken);
    sent.group2 = String((await g.sendText("Lunch at noon?")).timetoken);
    sent.direct = String((await d.sendText("Hi Bob")).timetoken);
    return { group: [sent.group1, sent.group2], direct: sent.direct };
  });
  const unreadJson = (counts) =>
    counts.map((c) => ({ channelId: c.channel.id, count: c.count, membership: membershipJson(c.membership) })).sort(byId);
  await step("unread.counts", async () => ({ counts: unreadJson(await need(bob, "init.bob").getUnreadMessagesCounts()) }));
  const bobGroupMembership = await step("unread.membership", async () => {
    const m = must(await need(bob, "init.bob").currentUser.getMembership(GROUP), "bob's getMembership(group)");
    return { membership: membershipJson(m), count: await m.getUnreadMessagesCount(), _membership: m };
  });
  const receipts = collector();
  const receiptEvents = collector();
  await step("receipts.stream", async () => {
    const g = need(group?._channel, "conversations.group");
    // The receipt listeners subscribe to the group (already subscribed when typing ran).
    const sub = alice.sdk.getSubscribedChannels().includes(GROUP) ? null : subscribed(alice, GROUP);
    await g.streamReadReceipts((r) => receipts.push(plain(r)));
    g.onReadReceiptReceived((r) => receiptEvents.push({ userId: r.userId, lastReadTimetoken: String(r.lastReadTimetoken) }));
    const initial = await receipts.next(() => true, EVENT_WAIT_MS, "the initial read receipts");
    if (sub) await sub;
    return { initial };
  });
  await step("receipts.set_last_read", async () => {
    const m = need(bobGroupMembership?._membership, "unread.membership");
    const updated = await m.setLastReadMessageTimetoken(need(sent.group1, "unread.setup"));
    const event = await receiptEvents.next(
      (r) => r.userId === "bob" && r.lastReadTimetoken === sent.group1,
      EVENT_WAIT_MS,
      "bob's receipt on alice's side",
    );
    return { membership: membershipJson(updated), count: await updated.getUnreadMessagesCount(), event };
  });
  await step("receipts.fetch", async () => {
    const r = await need(group?._channel, "conversations.group").fetchReadReceipts();
    return {
      total: opt(r.total),
      receipts: r.receipts.map((x) => ({ userId: x.userId, lastReadTimetoken: String(x.lastReadTimetoken) })).sort((a, b) => a.userId.localeCompare(b.userId)),
    };
  });
  await step("receipts.mark_all", async () => {
    const r = await need(bob, "init.bob").markAllMessagesAsRead();
    const stream = await receipts.next((x) => (x[sent.group2] ?? []).includes("bob"), EVENT_WAIT_MS, "bob's receipt in the stream");
    return { total: opt(r?.total), memberships: (r?.memberships ?? []).map(membershipJson).sort(byId), stream };
  });
  await step("unread.counts_after", async () => ({ counts: unreadJson(await need(bob, "init.bob").getUnreadMessagesCounts()) }));

  // --- presence (alice and bob are subscribed to the room since messages.live) ---
  await step("presence.who", async () => {
    const ids = await need(room, "channels.create_public").whoIsPresent();
    return { ids: [...ids].sort() };
  });
  await step("presence.is_present", async () => {
    const r = need(room, "channels.create_public");
    return { bob: await r.isPresent("bob"), carol: await r.isPresent("carol"), chatAlice: await alice.isPresent("alice", ROOM) };
  });
  await step("presence.where", async () => ({ channels: [...(await need(alice, "init.alice").wherePresent("bob"))].sort() }));

  // --- restrictions need the secret key; without it the SDK refuses before any request ---
  await step("restrictions.without_secret", async () => {
    try {
      await need(alice, "init.alice").setRestrictions("bob", ROOM, { ban: true });
    } catch (e) {
      return { rejected: true, error: describeError(e).error };
    }
    return { rejected: false };
  });
}

// ---------------------------------------------------------------------------------------------
// The signed run: the keyset's server (secret key) moderates

async function serverFlow() {
  const adminInit = await initStep("admin", "admin");
  const bobInit = await initStep("bob", "bob");
  let admin = adminInit?._chat;
  let bob = bobInit?._chat;
  const bootstrapped = [];
  if (!admin) {
    admin = await bootstrapChat("admin").catch(() => null);
    bootstrapped.push("admin");
  }
  if (!bob) {
    bob = await bootstrapChat("bob").catch(() => null);
    bootstrapped.push("bob");
  }
  const roomData = { name: "Room 1" };
  const created = await step("channels.create_public", async () => {
    const channel = await need(admin, "init.admin").createPublicConversation({ channelId: ROOM, channelData: roomData });
    return { channel: channelJson(channel), _channel: channel };
  });
  let room = created?._channel ?? null;
  if (!room && admin) {
    room = await bootstrapChannel(admin, ROOM, roomData).catch(() => null);
    bootstrapped.push(`channel ${ROOM}`);
  }
  if (bootstrapped.length) {
    emit({
      step: "bootstrap",
      used: bootstrapped,
      why: "Chat.init (or the public channel) needs App Context the server does not serve; handles made with the stand-in",
      gotChats: { admin: !!admin, bob: !!bob },
      gotRoom: !!room,
    });
  }

  // Signed requests through the message endpoints.
  await step("messages.signed", async () => {
    const r = need(room, "channels.create_public");
    const tt = String((await r.sendText("Signed hello")).timetoken);
    const history = await r.getHistory();
    const m = must(history.messages.find((x) => x.timetoken === tt), "getHistory (the message sent)");
    const reacted = await m.toggleReaction("👍");
    return { timetoken: tt, texts: history.messages.map((x) => x.text), reactions: plain(reacted.reactions) };
  });

  // Without the secret, the same request is refused (the server really checks signatures).
  await step("messages.unsigned_refused", async () => {
    const PubNub = require("pubnub");
    const plainClient = new PubNub({ publishKey, subscribeKey, userId: "mallory", origin: proxyOrigin, ssl: false });
    try {
      await plainClient.publish({ channel: ROOM, message: { text: "unsigned" } });
    } catch (e) {
      return { refused: true, statusCode: opt(describeError(e).status?.statusCode) };
    }
    return { refused: false };
  });

  // A user of the app, as Access Manager has them: the keyset's server grants dave a token bound
  // to him (his own user; the room: read, write, get, join) and his Chat SDK runs with it alone.
  await step("tokens.user", async () => {
    const token = await need(admin, "init.admin").sdk.grantToken({
      ttl: 60,
      authorized_uuid: "dave",
      resources: {
        uuids: { dave: { get: true, update: true } },
        channels: { [ROOM]: { read: true, write: true, get: true, join: true } },
      },
    });
    const dave = await Chat.init(chatConfig("dave", { secretKey: undefined, authKey: token }));
    const r = must(await dave.getChannel(ROOM), "getChannel (the room)");
    const membership = await r.join();
    const tt = String((await r.sendText("Hello with a token")).timetoken);
    const everyone = await dave.getUsers();
    let othersRefused = null;
    try {
      await dave.sdk.objects.setUUIDMetadata({ uuid: "bob", data: { name: "Mallory" } });
    } catch (e) {
      othersRefused = opt(describeError(e).status?.statusCode);
    }
    return {
      user: userJson(dave.currentUser),
      joined: membership.channel.id,
      timetoken: tt,
      listedUsers: everyone.users.length > 0,
      othersRefusedStatus: othersRefused,
    };
  });

  const changes = collector();
  const bobUser = await step("restrictions.ban", async () => {
    const b = need(bob, "init.bob");
    // bob's moderation events come on PUBNUB_INTERNAL_MODERATION.bob (kmp Constants.kt).
    const sub = subscribed(b, "PUBNUB_INTERNAL_MODERATION.bob");
    b.currentUser.onRestrictionChanged((r) => changes.push(restrictionJson(r)));
    await sub;
    await need(admin, "init.admin").setRestrictions("bob", ROOM, { ban: true, reason: "spam" });
    const user = must(await admin.getUser("bob"), "getUser('bob')");
    const event = await changes.next((r) => r.ban === true, EVENT_WAIT_MS, "bob's restriction event");
    return { event, _user: user };
  });
  await step("restrictions.read", async () => {
    const user = need(bobUser?._user, "restrictions.ban");
    const r = need(room, "channels.create_public");
    const onChannel = await r.getUserRestrictions(user);
    const onUser = await user.getChannelRestrictions(r);
    const all = await r.getUsersRestrictions();
    const ofUser = await user.getChannelsRestrictions();
    return {
      userRestrictions: restrictionJson(onChannel),
      channelRestrictions: restrictionJson(onUser),
      usersRestrictions: { total: opt(all.total), restrictions: all.restrictions.map(restrictionJson) },
      channelsRestrictions: { total: opt(ofUser.total), restrictions: ofUser.restrictions.map(restrictionJson) },
    };
  });
  await step("restrictions.mute", async () => {
    const user = need(bobUser?._user, "restrictions.ban");
    await admin.setRestrictions("bob", ROOM, { mute: true });
    const event = await changes.next((r) => r.mute === true, EVENT_WAIT_MS, "bob's mute event");
    return { userRestrictions: restrictionJson(await room.getUserRestrictions(user)), event };
  });
  await step("restrictions.lift", async () => {
    const user = need(bobUser?._user, "restrictions.ban");
    await admin.setRestrictions("bob", ROOM, {});
    const event = await changes.next((r) => !r.ban && !r.mute, EVENT_WAIT_MS, "bob's lift event");
    const all = await room.getUsersRestrictions();
    return {
      userRestrictions: restrictionJson(await room.getUserRestrictions(user)),
      usersRestrictions: { total: opt(all.total), restrictions: all.restrictions.map(restrictionJson) },
      event,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The cross-check with the browser (tests/chat_sdk/browser.rs): CHAT_SCENARIO_CROSS=write writes
// a Chat SDK room for `reactions` to show; =read with CHAT_SCENARIO_TT reads that message back as
// a Chat SDK user sees it, after the browser reacted to it.

const CROSS_ROOM = "chats.cross";

async function crossWrite() {
  await step("cross.write", async () => {
    const alice = await Chat.init(chatConfig("alice"));
    const bob = await Chat.init(chatConfig("bob"));
    await alice.updateUser("alice", { name: "Alice Martin" });
    await bob.updateUser("bob", { name: "Bob Okafor" });
    const room = await alice.createPublicConversation({ channelId: CROSS_ROOM, channelData: { name: "Cross" } });
    const bobRoom = await bob.getChannel(CROSS_ROOM);
    const send = async (text) => room.getMessage(String((await room.sendText(text)).timetoken));
    const edited = await send("Helo, wrold");
    await edited.editText("Hello, world!");
    await (await send("Delete me softly")).delete({ soft: true });
    await (await bobRoom.getMessage((await send("Buy cheap watches")).timetoken)).report("spam");
    await (await send("Start a thread here")).createThread("First reply");
    const react = await send("React to me");
    await (await bobRoom.getMessage(react.timetoken)).toggleReaction("👍");
    return { react: String(react.timetoken) };
  });
}

async function crossRead(timetoken) {
  await step("cross.read", async () => {
    const bob = await Chat.init(chatConfig("bob"));
    const room = await bob.getChannel(CROSS_ROOM);
    return { message: messageJson(await room.getMessage(timetoken)) };
  });
}

// ---------------------------------------------------------------------------------------------

const proxy = await startProxy();
proxyOrigin = `127.0.0.1:${proxy.address().port}`;
try {
  const cross = process.env.CHAT_SCENARIO_CROSS;
  if (cross === "write") await crossWrite();
  else if (cross === "read") await crossRead(process.env.CHAT_SCENARIO_TT);
  else if (secretKey) await serverFlow();
  else await chatFlow();
} catch (e) {
  emit({ step: "crashed", ok: false, ...describeError(e), stack: String(e?.stack ?? "") });
}
emit({ step: "done" });
// Chat instances keep long polls and timers alive; the report is complete.
process.exit(0);
