// The owner page: rings when someone presses the doorbell, answers or declines over MQTT 5.
import mqtt from './vendor/mqtt.esm.js';
import {
  decode, doorOpen, encode, presenceRequest, historyDelete, historyRequest, snapshotRequest, topics, isValidId, liveRequest, ringAnswer, ringDecline, sentBy, VOCABULARY,
} from './protocol.js';
import { dingDong, unlock, unlocked } from './ring-sound.js';
import { Call } from './call.js';
import { authorization, forgetCredentials, pairThisPhone, showPhones, storedCredentials } from './pairing.js';
import { importFromLink, rememberDoorbell, rememberedDoorbell, showAwayLink } from './away.js';
import { pushKeyReceived, pushStatusReceived, renewPush, startPush, turnPushOff, turnPushOn } from './push.js';
import { replyStatusReceived, showReplies } from './replies.js';
import { motionReceived, sendMotionChoice, showMotionOption } from './motion.js';

const $ = (id) => document.getElementById(id);
const RING_REPEAT_MS = 4000;
const HISTORY_SIZE = 10;

const state = {
  config: null,
  ownerId: null,
  credentials: null,      // this phone's broker account, when the doorbell pairs phones
  hosted: false,          // a copy of the app away from the doorbell: no /api, settings from an #import link
  client: null,
  topics: null,
  current: null,          // the ring being shown: { ringId, at, expiresAt, presses }
  ended: new Map(),       // ringId -> ring-ended message (also guards against late rings)
  history: [],            // [{ ringId, at, outcome, by }] seen by this page (a doorbell before 1.2 keeps none)
  deviceHistory: null,    // the doorbell's own visit history, once it sent one: { visits, skewMs, requestId }
  pictures: new Map(),    // ringId -> object URL of its picture (the newest PICTURES_KEPT)
  picturesAsked: new Set(), // ringIds whose picture this page asked the doorbell for
  pictureShown: null,     // { ringId, at } when the ringing screen showed the ring's picture (benchmarks)
  soundTimer: null,
  expiryTimer: null,
  lastError: null,
  call: null,             // the Call in progress, if any
  live: null,             // the live view asked for: { sessionId, renew, giveUp }, until it ends
  pendingAction: null,    // { ringId, kind } chosen in a notification, sent once connected
};
window.openbell = state;

function ownerIdentity() {
  const fromQuery = new URLSearchParams(location.search).get('owner');
  if (fromQuery !== null) {
    if (isValidId(fromQuery)) {
      return fromQuery;
    }
    console.warn(`ignoring invalid ?owner=${fromQuery}`);
  }
  let id = localStorage.getItem('openbell.ownerId');
  if (!isValidId(id)) {
    id = `owner-${randomId(8)}`;
    localStorage.setItem('openbell.ownerId', id);
  }
  return id;
}

function tabInstance() {
  let instance = sessionStorage.getItem('openbell.instance');
  if (!isValidId(instance)) {
    instance = randomId(6);
    sessionStorage.setItem('openbell.instance', instance);
  }
  return instance;
}

function randomId(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Formatters made once: toLocaleTimeString with options builds a new one on every call, which
// cost the ring screen up to ~20 ms (measured by scripts/bench, "press-to-ring").
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const shortTimeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const clock = (ms) => timeFormat.format(ms);
const shortClock = (ms) => shortTimeFormat.format(ms);

function setConnection(value, text) {
  $('connection').dataset.state = value;
  $('connection').textContent = text;
  showLiveButton();
}

function setPresence(value) {
  const presence = $('presence');
  presence.dataset.state = value;
  presence.textContent = { online: 'Doorbell online', offline: 'Doorbell offline', unknown: 'Doorbell status unknown' }[value];
  showLiveButton();
}

// ---- Live view: the door camera without a ring (docs/protocol.md, "Live view")

/** How often an open live view is renewed: well inside the doorbell's shortest allowed limit (30 s). */
const LIVE_RENEW_MS = 20000;

function showLiveButton() {
  const button = $('live');
  const online = $('presence').dataset.state === 'online' && state.client?.connected === true;
  const busy = state.live !== null && state.live !== undefined;
  button.disabled = !online || busy || !('RTCPeerConnection' in window);
  button.textContent = busy ? 'Opening the camera…' : 'Look at the door';
}

/** A random protocol id (`prefix` and 20 characters, ~119 bits) for the sessions and requests this page names. */
function newId(prefix) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const random = crypto.getRandomValues(new Uint8Array(20));
  return `${prefix}${Array.from(random, (b) => alphabet[b % alphabet.length]).join('')}`;
}

function startLiveView() {
  if (state.live || !state.client?.connected) {
    return;
  }
  enableSound(); // inside the tap: the door's sound may play when it arrives
  $('remote-audio').play().catch(() => {});
  const sessionId = newId('lv');
  state.live = { sessionId, requestedAt: performance.now() };
  $('live-note').hidden = true;
  sendToDevice(liveRequest(state.config.deviceId, sessionId));
  state.live.renew = setInterval(() => {
    if (state.call && !state.call.ended && state.call.sessionId === sessionId) {
      sendToDevice(liveRequest(state.config.deviceId, sessionId));
    }
  }, LIVE_RENEW_MS);
  // No offer within the call set-up time: the doorbell is busy or away.
  state.live.giveUp = setTimeout(() => {
    if (state.live?.sessionId === sessionId && !(state.call?.sessionId === sessionId)) {
      endLiveView('The doorbell did not open its camera. Try again in a moment.');
    }
  }, 30000);
  showLiveButton();
}

function endLiveView(note) {
  if (!state.live) {
    return;
  }
  clearInterval(state.live.renew);
  clearTimeout(state.live.giveUp);
  state.live = null;
  if (note) {
    $('live-note').hidden = false;
    $('live-note').textContent = note;
  }
  showLiveButton();
}

/**
 * GET /api/config, retried with backoff: the doorbell may be restarting or the network settling.
 * Null when this page is not served by a doorbell (a hosted copy: no /api here).
 */
async function loadConfig(credentials) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch('/api/config', { cache: 'no-store', headers: authorization(credentials) });
      const json = (response.headers.get('Content-Type') ?? '').startsWith('application/json');
      if (response.status === 404 || (response.ok && !json)) {
        return null;
      }
      if (!response.ok) {
        throw new Error(`GET /api/config: HTTP ${response.status}`);
      }
      return await response.json();
    } catch (e) {
      state.lastError = String(e);
      setConnection('disconnected', 'cannot reach the doorbell, retrying…');
      console.warn(e);
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }
}

async function start() {
  // WebKit unlocks audio only from touchend/click; others from pointerdown/keydown: listen to all.
  for (const kind of ['pointerdown', 'touchend', 'click', 'keydown']) {
    document.addEventListener(kind, enableSound, { passive: true });
  }
  importFromLink();
  let credentials = storedCredentials();
  state.config = await loadConfig(credentials);
  if (state.config === null) {
    startHosted(credentials);
    return;
  }
  $('device-name').textContent = state.config.deviceName;
  document.title = `${state.config.deviceName} · Openbell`;
  if (state.config.pairing === 'required') {
    // Not paired, or this phone's account was removed: pair (again) before anything else.
    const why = sessionStorage.getItem('openbell.unpaired')
      ?? (credentials ? 'This phone is no longer paired with the doorbell.' : null);
    sessionStorage.removeItem('openbell.unpaired');
    forgetCredentials();
    credentials = await pairThisPhone(state.config.deviceName, why, state.config.buttonPairing === true);
    state.config = await loadConfig(credentials);
  }
  if (state.config.pairing === 'paired') {
    state.credentials = credentials;
    state.ownerId = credentials.ownerId;
    showPhones(credentials, () => unpaired('This phone was removed from the doorbell.'));
  } else {
    state.ownerId = ownerIdentity(); // an open demo broker: owners name themselves
  }
  const doorbell = rememberDoorbell(state.config);
  if (state.config.ownerAppUrl) {
    showAwayLink(state.config.ownerAppUrl, doorbell);
  }
  showSignedIn();
  state.topics = topics(state.config.topicPrefix);
  openedFromNotification(location.hash);
  connectAlone();
  startPushFor(state.config.pushKey, true, typeof state.config.pushKey === 'string');
}

/** "Signed in as ..." only for a paired phone's account; a generated demo id is noise to a person. */
function showSignedIn() {
  $('owner-id').textContent = state.ownerId;
  $('owner-id').parentElement.hidden = !state.credentials && /^owner-[0-9a-f]{16}$/.test(state.ownerId);
}

function startPushFor(key, local = false, keyExpected = true) {
  startPush({ deviceId: state.config.deviceId, deviceName: state.config.deviceName, ownerId: state.ownerId, key,
    send: sendToDevice, local, keyExpected }).catch((e) => console.warn('push set-up failed', e));
}

/** A copy of the app away from the doorbell: the settings the doorbell's page handed over. */
function startHosted(credentials) {
  state.hosted = true;
  const doorbell = rememberedDoorbell();
  if (!doorbell) {
    setConnection('disconnected', 'not set up');
    $('hosted-note').textContent = 'This copy of the owner app is not set up yet. At home, open the doorbell\'s page and use the link under "Away from home".';
    $('hosted-note').hidden = false;
    return;
  }
  state.config = { ...doorbell, pairing: credentials ? 'paired' : 'off' };
  $('device-name').textContent = doorbell.deviceName;
  document.title = `${doorbell.deviceName} · Openbell`;
  state.credentials = credentials;
  state.ownerId = credentials ? credentials.ownerId : ownerIdentity();
  showSignedIn();
  state.topics = topics(doorbell.topicPrefix);
  openedFromNotification(location.hash);
  connectAlone();
  startPushFor(null); // the key comes with the doorbell's retained push-key
}

/**
 * The app opened (or was focused) from a ring notification: show that ring, and answer or
 * decline it if that was the notification action. The ring came in the push; its remaining life
 * is counted on this phone's clock from when the push arrived.
 */
function openedFromNotification(hash) {
  const match = /^#push-ring=([^&]+)&action=(answer|decline|show)$/.exec(hash);
  if (!match) {
    return;
  }
  history.replaceState(null, '', location.pathname + location.search);
  let ring;
  let receivedAt;
  try {
    const carried = JSON.parse(atob(decodeURIComponent(match[1])));
    receivedAt = carried.receivedAt;
    delete carried.receivedAt;
    ring = decode(JSON.stringify(carried));
  } catch (e) {
    console.warn(`ignored a notification link: ${e.message}`);
    return;
  }
  if (ring.type !== 'ring' || ring.deviceId !== state.config.deviceId || !Number.isSafeInteger(receivedAt)) {
    return;
  }
  const remainingMs = (ring.expiresAt - ring.at) - Math.max(0, Date.now() - receivedAt);
  if (remainingMs <= 0) {
    addHistory(receivedAt, `Missed ring at ${shortClock(receivedAt)}`, 'timed-out');
    return;
  }
  onRing(ring, Math.floor(remainingMs / 1000));
  if (match[2] !== 'show') {
    state.pendingAction = { ringId: ring.ringId, kind: match[2] };
    sendPendingAction();
  }
}

function sendPendingAction() {
  const action = state.pendingAction;
  if (!action || !state.client?.connected) {
    return;
  }
  state.pendingAction = null;
  if (state.current?.ringId === action.ringId) {
    respond(action.kind);
  }
}

/**
 * One connection per account in this browser: a broker that binds sessions to accounts (Mosquitto
 * as scripts/broker-config sets it up uses the account name as client id) would otherwise let two
 * tabs of this phone throw each other off for ever. Other tabs wait for the lock (held until the
 * tab that has it closes) and say so.
 */
function connectAlone() {
  if (!navigator.locks) {
    connect();
    return;
  }
  let waiting = true;
  setTimeout(() => {
    if (waiting) {
      setConnection('disconnected', 'open in another tab');
    }
  }, 300);
  navigator.locks.request(`openbell-mqtt-${state.config.deviceId}-${state.ownerId}`, () => {
    waiting = false;
    connect();
    return new Promise(() => {}); // held while this tab lives
  });
}

/**
 * Says in words, after 10 s without a connection, that the doorbell cannot be reached and what to
 * do, instead of "reconnecting..." for ever; hidden again once connected.
 */
function watchReachability(url, connected = false) {
  clearTimeout(state.reachTimer);
  const note = $('broker-note');
  if (connected) {
    note.hidden = true;
    return;
  }
  state.reachTimer = setTimeout(() => {
    if (state.client?.connected) {
      return;
    }
    const host = (() => {
      try {
        return new URL(url).host;
      } catch {
        return url;
      }
    })();
    note.textContent = state.hosted
      ? `Cannot reach the doorbell's broker (${host}). Check this phone's internet connection; if it stays like this, the broker may be down.`
      : `Cannot reach the doorbell (${host}). Is this phone on the home network? The doorbell may be restarting: this page keeps trying. Away from home, use the owner app from the internet.`;
    note.hidden = false;
    watchReachability(url); // say it again if it stays down (the text stays until connected)
  }, 10_000);
}

/** This phone lost its pairing: drop the account and start over at the pairing screen. */
function unpaired(why) {
  forgetCredentials();
  state.client?.end(true);
  if (state.hosted) {
    setConnection('disconnected', 'not paired');
    $('hosted-note').textContent = `${why} Pair it again at home, on the doorbell's page.`;
    $('hosted-note').hidden = false;
    return;
  }
  location.hash = '';
  sessionStorage.setItem('openbell.unpaired', why);
  location.reload();
}

function connect() {
  const { config, ownerId } = state;
  const place = (u) => u.replace('{hostport}', location.host).replace('{host}', location.hostname);
  // A clustered broker's nodes (issue 16), tried in turn: after a failed attempt or a lost
  // connection the next one; a node that works is kept.
  const urls = (Array.isArray(config.brokerUrls) && config.brokerUrls.length > 0 ? config.brokerUrls : [config.brokerUrl]).map(place);
  let node = 0;
  let moveOn = false;
  const url = urls[0];
  state.brokerNode = url;
  setConnection('connecting', 'connecting…');
  const client = mqtt.connect(url, {
    transformWsUrl: () => {
      if (moveOn) {
        node = (node + 1) % urls.length;
        moveOn = false;
      }
      state.brokerNode = urls[node];
      return urls[node];
    },
    protocolVersion: 5,
    clientId: `openbell-owner-${ownerId}-${tabInstance()}`,
    clean: false,
    // Protocol messages are at most 64 KiB: the broker discards anything bigger instead of sending it.
    properties: { sessionExpiryInterval: 3600, maximumPacketSize: 66560 },
    reconnectPeriod: 1500,
    connectTimeout: 10_000,
    keepalive: 30,
    ...(state.credentials ? { username: state.credentials.username, password: state.credentials.password } : {}),
  });
  state.client = client;
  watchReachability(url);
  client.on('connect', () => {
    setConnection('connected', 'connected');
    watchReachability(url, true);
    const subscriptions = {
      [state.topics.presence(config.deviceId)]: { qos: 1 },
      [state.topics.rings(config.deviceId)]: { qos: 1 },
      [state.topics.deviceToOwner(config.deviceId, ownerId)]: { qos: 1 },
      [state.topics.pushKey(config.deviceId)]: { qos: 1 },
      [state.topics.snapshots(config.deviceId)]: { qos: 1 },
      [state.topics.capabilities(config.deviceId)]: { qos: 1 },
      [state.topics.motion(config.deviceId)]: { qos: 1 },
    };
    client.subscribe(subscriptions, (error) => {
      if (error) {
        state.lastError = String(error);
        console.error('subscribe failed', error);
      }
      sendPendingAction();
      // What the doorbell keeps retained, again on this owner's topic: a cluster's retained store may be per node.
      sendToDevice(presenceRequest(config.deviceId));
      sendMotionChoice(config.deviceId, sendToDevice);
      renewPush().catch(() => {});
      requestHistory();
    });
  });
  client.on('reconnect', () => setConnection('connecting', 'reconnecting…'));
  client.on('offline', () => {
    setConnection('disconnected', 'offline');
    setPresence('unknown');
  });
  client.on('close', () => {
    moveOn = urls.length > 1;
    if ($('connection').dataset.state === 'connected') {
      setConnection('disconnected', 'disconnected');
    }
  });
  client.on('error', (error) => {
    state.lastError = String(error);
    if (state.credentials && [134, 135].includes(error?.code)) {
      checkStillPaired(); // refused: was this phone removed?
    }
    console.warn('MQTT error', error?.message ?? error);
  });
  client.on('message', (topic, payload, packet) => onMessage(topic, payload, packet?.properties?.messageExpiryInterval));
}

async function checkStillPaired() {
  if (state.hosted) {
    unpaired('The broker refused this phone\'s account: it was removed from the doorbell.');
    return;
  }
  const response = await fetch('/api/config', { cache: 'no-store', headers: authorization(state.credentials) }).catch(() => null);
  const config = response?.ok ? await response.json() : null;
  if (config?.pairing === 'required') {
    unpaired('This phone was removed from the doorbell.');
  }
}

/** {@code expirySeconds}: the MQTT 5 Message Expiry Interval it arrived with (what remains of its life), if any. */
function onMessage(topic, payload, expirySeconds) {
  let message;
  try {
    message = decode(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
  } catch (e) {
    console.warn(`rejected a message on ${topic}: ${e.message}`);
    return;
  }
  if (message.deviceId !== state.config.deviceId) {
    console.warn(`rejected a ${message.type} for doorbell ${message.deviceId} on ${topic}`);
    return;
  }
  if (!sentBy(message.type, 'device')) {
    console.warn(`ignored a ${message.type} on ${topic}: owners send it, not the doorbell`);
    return;
  }
  // Routed by the concern the protocol's vocabulary gives each type (docs/protocol.md).
  switch (VOCABULARY[message.type].concern) {
    case 'presence':
      // On its retained topic, or on this owner's own in answer to a presence-request (a Last Will
      // comes on the presence topic, live, so an online answer never hides an offline).
      if (topic === state.topics.presence(state.config.deviceId) || topic === ownTopic()) {
        setPresence(message.state);
      }
      break;
    case 'ring':
      if (message.type === 'ring') {
        onRing(message, expirySeconds);
      } else {
        onRingEnded(message);
      }
      break;
    case 'push':
      if (message.type === 'push-key' && (topic === state.topics.pushKey(state.config.deviceId) || topic === ownTopic())) {
        pushKeyReceived(message);
      } else if (message.type === 'push-status' && topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        pushStatusReceived(message);
      }
      break;
    case 'history':
      if (topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        showDeviceHistory(message, Date.now());
      }
      break;
    case 'door':
      if (message.type === 'door-openings' && topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        state.doorOpenings = { openings: message.openings, skewMs: Date.now() - message.at };
        showDoorOpenings();
      } else if (topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId) && message.requestId === state.doorRequestId) {
        if (message.state === 'opened') {
          requestHistory(); // the opening joins the history
        }
        $('open-door').disabled = false;
        $('door-note').textContent = message.state === 'opened' ? 'Door opened.'
          : message.reason === 'too-soon' ? 'The door was just opened: try again in a few seconds.'
            : message.reason === 'not-paired' ? 'This phone may not open the door.' : 'This doorbell has no door strike.';
      }
      break;
    case 'capabilities':
      if (topic === state.topics.capabilities(state.config.deviceId) || topic === ownTopic()) {
        state.capabilities = message;
        showReplies(state.config.deviceId, message.replies, sendToDevice, newId);
        showMotionOption(state.config.deviceId, message.motion, sendToDevice);
        $('open-door').hidden = !doorWired() || $('call-screen').hidden;
      }
      break;
    case 'motion':
      if (topic === state.topics.motion(state.config.deviceId)) {
        motionReceived(message);
      }
      break;
    case 'reply':
      if (topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        replyStatusReceived(message);
      }
      break;
    case 'snapshot':
      if (topic === state.topics.snapshots(state.config.deviceId)
          || topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        pictureReceived(message);
      }
      break;
    case 'call':
      if (topic === state.topics.deviceToOwner(state.config.deviceId, state.ownerId)) {
        onCallMessage(message);
      } else {
        console.warn(`ignored a ${message.type} on ${topic}: not our call topic`);
      }
      break;
    default:
      console.warn(`ignored a ${message.type} on ${topic}`);
  }
}

function onRing(ring, expirySeconds) {
  const receivedAt = Date.now(); // for benchmarks: how much of press-to-ring the page itself takes
  if (state.ended.has(ring.ringId)) {
    return;
  }
  // How long it may still ring, on this phone's own clock (docs/protocol.md, "Clocks"): what the
  // broker says remains of the message's life, else its whole lifetime as the device gave it.
  // Never expiresAt against this clock: a phone ahead, or a doorbell behind, would never ring.
  const remainingMs = Number.isInteger(expirySeconds) ? expirySeconds * 1000 : ring.expiresAt - ring.at;
  if (remainingMs <= 0) {
    console.info(`ignored ring ${ring.ringId}: it arrived expired`);
    return;
  }
  // When it was pressed, on this phone's clock: the part of its lifetime already gone, before now.
  const pressedAt = receivedAt - Math.max(0, (ring.expiresAt - ring.at) - remainingMs);
  if (state.current?.ringId === ring.ringId && state.current.localDeadline !== undefined) {
    ring = { ...ring, localDeadline: Math.min(state.current.localDeadline, receivedAt + remainingMs), pressedAt: state.current.pressedAt };
  } else {
    ring = { ...ring, localDeadline: receivedAt + remainingMs, pressedAt };
  }
  const isNew = state.current?.ringId !== ring.ringId;
  if (!isNew && ring.presses <= state.current.presses) {
    return; // a duplicate (QoS 1 may deliver twice)
  }
  state.current = ring;
  const screen = $('ring-screen');
  screen.dataset.ringId = ring.ringId;
  $('ring-time').textContent = `Pressed at ${clock(ring.pressedAt)}`;
  $('ring-presses').hidden = ring.presses < 2;
  $('ring-presses').textContent = `Pressed ${ring.presses} times`;
  $('ring-note').hidden = true;
  if (isNew) {
    $('ring-picture').hidden = true;
    $('ring-picture').removeAttribute('src');
    // A browser without WebRTC must not end the ring for everyone with an Answer it cannot keep.
    const canCall = 'RTCPeerConnection' in window;
    $('answer').disabled = !canCall;
    $('decline').disabled = false;
    $('answer').textContent = canCall ? 'Answer' : 'No video calls here';
    $('decline').textContent = 'Decline';
    if (!canCall) {
      $('ring-note').hidden = false;
      $('ring-note').textContent = 'This browser cannot take calls: decline, or answer on another phone.';
    }
  }
  screen.hidden = false;
  document.body.classList.add('ringing');
  showPicture(ring.ringId); // it may have come first
  if (isNew) {
    state.ringShown = { ringId: ring.ringId, at: Date.now(), receivedAt }; // for benchmarks: press-to-ring
  }
  alertOwner(isNew);
  clearTimeout(state.expiryTimer);
  state.expiryTimer = setTimeout(() => {
    // The device sends ring-ended on timeout; this only covers a lost connection.
    if (state.current?.ringId === ring.ringId) {
      onRingEnded({ type: 'ring-ended', deviceId: ring.deviceId, ringId: ring.ringId, at: ring.expiresAt, outcome: 'timed-out' });
    }
  }, Math.max(0, ring.localDeadline - Date.now()) + 5000);
}

function alertOwner(isNew) {
  dingDong();
  navigator.vibrate?.([300, 150, 300, 150, 600]);
  clearInterval(state.soundTimer);
  state.soundTimer = setInterval(() => {
    dingDong();
    navigator.vibrate?.([300, 150, 300]);
  }, RING_REPEAT_MS);
  if (isNew && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
    // The service worker's tag: with pushes on, its notification and this one replace each other.
    new Notification(`${state.config.deviceName}: someone is at the door`, { tag: `openbell-${state.config.deviceId}`, renotify: true });
  }
}

function stopAlerting() {
  clearInterval(state.soundTimer);
  clearTimeout(state.expiryTimer);
  state.soundTimer = null;
  navigator.vibrate?.(0);
}

function onRingEnded(ended) {
  if (state.ended.has(ended.ringId)) {
    return;
  }
  state.ended.set(ended.ringId, ended);
  // Times shown are this phone's (see onRing): the device's clock may be far off.
  const ringAt = state.current?.ringId === ended.ringId ? state.current.pressedAt : Date.now();
  if (state.current?.ringId === ended.ringId) {
    state.current = null;
    stopAlerting();
    $('ring-screen').hidden = true;
    delete $('ring-screen').dataset.ringId;
    document.body.classList.remove('ringing');
  }
  const outcome = describeOutcome(ended, ringAt);
  const result = $('ring-result');
  delete result.dataset.callEnded;
  result.dataset.outcome = outcome.code;
  result.dataset.ringId = ended.ringId;
  result.textContent = outcome.text;
  result.hidden = false;
  $('idle').hidden = false;
  addHistory(ringAt, outcome.text, outcome.code);
  setTimeout(requestHistory, 500); // the doorbell's history now has this ring too
}

function describeOutcome(ended, ringAt) {
  const mine = ended.by === state.ownerId;
  switch (ended.outcome) {
    case 'answered':
      return mine ? { code: 'answered-by-me', text: 'You answered' }
        : { code: 'answered-by-other', text: `Answered by another owner (${ended.by})` };
    case 'declined':
      return { code: 'declined', text: mine ? 'You declined' : `Declined by ${ended.by}` };
    default:
      return { code: 'timed-out', text: `Missed ring at ${shortClock(ringAt)}` };
  }
}

// ---- Visit history: the doorbell keeps it (docs/protocol.md, "Visit history"); this page shows
// it, and what it saw itself only until the doorbell's arrives (or with a doorbell that keeps none).

function requestHistory() {
  if (!state.client?.connected) {
    return;
  }
  state.historyRequestId = newId('hq');
  sendToDevice(historyRequest(state.config.deviceId, state.historyRequestId));
}

function showDeviceHistory(message, receivedAt) {
  // The doorbell's times are on its clock: shown on this phone's, by the offset of the reply.
  state.deviceHistory = { visits: message.visits, skewMs: receivedAt - message.at, requestId: message.requestId };
  const list = $('history');
  if (message.visits.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted empty';
    empty.textContent = 'None yet.';
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...message.visits.map((visit) => {
    const at = visit.at + state.deviceHistory.skewMs;
    const item = document.createElement('li');
    item.dataset.ringId = visit.ringId;
    const { code, text } = describeOutcome({ outcome: visit.outcome, by: visit.by }, at);
    item.dataset.outcome = code;
    const when = document.createElement('time');
    when.dateTime = new Date(at).toISOString();
    when.textContent = clock(at);
    const what = document.createElement('span');
    what.textContent = ` ${text}${visit.presses > 1 ? ` (pressed ${visit.presses} times)` : ''}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'delete-visit';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete the ring at ${clock(at)}`);
    remove.addEventListener('click', () => {
      remove.disabled = true;
      state.historyRequestId = newId('hd');
      sendToDevice(historyDelete(state.config.deviceId, state.historyRequestId, [visit.ringId]));
    });
    const picture = document.createElement('img');
    picture.className = 'visit-picture';
    picture.dataset.ringId = visit.ringId;
    picture.alt = `Who rang at ${clock(at)}`;
    picture.width = 160;
    picture.height = 120;
    picture.hidden = true;
    item.append(picture, when, what, remove);
    return item;
  }));
  askForPictures(message.visits.slice(0, PICTURES_ASKED).map((visit) => visit.ringId));
  message.visits.forEach((visit) => showPicture(visit.ringId));
  showDoorOpenings();
}

const OPENINGS_SHOWN = 20;

/**
 * The door openings (protocol 1.4: they follow each history reply) among the visits, by time,
 * the newest few: who opened the door and when. A log: no Delete.
 */
function showDoorOpenings() {
  const list = $('history');
  list.querySelectorAll('li.door-opening').forEach((item) => item.remove());
  if (!state.doorOpenings || !state.deviceHistory) {
    return;
  }
  const visits = [...list.querySelectorAll('li[data-ring-id]')];
  for (const opening of state.doorOpenings.openings.slice(0, OPENINGS_SHOWN)) {
    const at = opening.at + state.doorOpenings.skewMs;
    const item = document.createElement('li');
    item.className = 'door-opening';
    const when = document.createElement('time');
    when.dateTime = new Date(at).toISOString();
    when.textContent = clock(at);
    const who = opening.via === 'home-assistant' ? 'Home Assistant' : opening.by === state.ownerId ? 'you' : opening.by;
    const what = document.createElement('span');
    what.textContent = ` Door opened by ${who}`; // text, never markup
    item.append(when, what);
    const later = visits.find((v) => Number(new Date(v.querySelector('time').dateTime)) < at);
    list.querySelector('li.empty')?.remove();
    list.insertBefore(item, later ?? null);
  }
}

// ---- Pictures of who rang (docs/protocol.md, "Pictures"): each ring's comes on the doorbell's
// snapshots topic; the history's are asked for, newest first, and come on this owner's topic.

const PICTURES_KEPT = 40;
const PICTURES_ASKED = 12;

function pictureReceived(message) {
  const bytes = Uint8Array.from(atob(message.jpeg), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
  const old = state.pictures.get(message.ringId);
  if (old) {
    URL.revokeObjectURL(old);
    state.pictures.delete(message.ringId);
  }
  state.pictures.set(message.ringId, url);
  while (state.pictures.size > PICTURES_KEPT) {
    const [oldest, oldUrl] = state.pictures.entries().next().value;
    state.pictures.delete(oldest);
    URL.revokeObjectURL(oldUrl);
  }
  showPicture(message.ringId);
}

function showPicture(ringId) {
  const url = state.pictures.get(ringId);
  if (!url) {
    return;
  }
  if ($('ring-screen').dataset.ringId === ringId && !$('ring-screen').hidden) {
    const img = $('ring-picture');
    img.src = url;
    img.hidden = false;
    if (state.pictureShown?.ringId !== ringId) {
      state.pictureShown = { ringId, at: Date.now() };
    }
  }
  for (const img of document.querySelectorAll('#history img.visit-picture')) {
    if (img.dataset.ringId === ringId) {
      img.src = url;
      img.hidden = false;
    }
  }
}

function askForPictures(ringIds) {
  for (const ringId of ringIds) {
    if (!state.pictures.has(ringId) && !state.picturesAsked.has(ringId) && state.client?.connected) {
      state.picturesAsked.add(ringId);
      sendToDevice(snapshotRequest(state.config.deviceId, newId('sq'), ringId));
    }
  }
}

function addHistory(at, text, code) {
  state.history.unshift({ at, text, code });
  state.history.length = Math.min(state.history.length, HISTORY_SIZE);
  if (state.deviceHistory) {
    return; // the doorbell's history is shown; it is asked again after each ring
  }
  const list = $('history');
  list.replaceChildren(...state.history.map((entry) => {
    const item = document.createElement('li');
    item.dataset.outcome = entry.code;
    const when = document.createElement('time');
    when.dateTime = new Date(entry.at).toISOString();
    when.textContent = clock(entry.at);
    item.append(when, ` ${entry.text}`);
    return item;
  }));
}

/** This owner's own topic from the doorbell. */
function ownTopic() {
  return state.topics.deviceToOwner(state.config.deviceId, state.ownerId);
}

/** Whether the doorbell has a door strike: its retained capabilities say (1.4), else its page config. */
function doorWired() {
  return state.capabilities ? state.capabilities.door : state.config.door === true;
}

function sendToDevice(message) {
  state.client.publish(state.topics.ownerToDevice(state.ownerId, state.config.deviceId), encode(message),
    { qos: 1, properties: { messageExpiryInterval: message.type === 'candidate' ? 30 : 10 } });
}

function onCallMessage(message) {
  if (message.type === 'offer') {
    if (state.call && !state.call.ended && state.call.sessionId === message.sessionId) {
      state.call.onOffer(message.sdp); // the doorbell restarts ICE on the same call
      return;
    }
    const live = message.ringId === undefined;
    if (live && state.live?.sessionId !== message.sessionId) {
      console.info(`ignored a live view offer for session ${message.sessionId}: not asked for here`);
      return;
    }
    if (state.call && !state.call.ended) {
      state.call.end('Replaced by a new call');
    }
    state.call = new Call({
      deviceId: message.deviceId,
      sessionId: message.sessionId,
      send: sendToDevice,
      // The offer carries this call's servers and TURN credentials; /api/config's are the fallback.
      iceServers: message.iceServers ?? state.config.iceServers ?? [],
      onEnded: (text) => {
        if (state.live?.sessionId === message.sessionId) {
          endLiveView();
        }
        showCallEnded(text);
      },
      microphone: !live, // a live view: the door hears nothing until the owner talks
    });
    $('call-screen').dataset.kind = live ? 'live' : 'call';
    $('open-door').hidden = !doorWired();
    $('door-note').textContent = '';
    state.call.onOffer(message.sdp);
    return;
  }
  if (message.type === 'hangup' && message.reason === 'busy' && state.live?.sessionId === message.sessionId
    && state.call?.sessionId !== message.sessionId) {
    // A 1.3 doorbell lets owners join a call in progress: busy means as many phones watch as it can
    // send to (media.maxViewers); an older one is busy during any call.
    endLiveView('The doorbell is already showing the door to as many phones as it can: try again in a moment.');
    return;
  }
  const call = state.call;
  if (!call || call.ended || call.sessionId !== message.sessionId) {
    if (message.type !== 'call-state') {
      console.info(`ignored ${message.type} for session ${message.sessionId}: not the current call`);
    }
    return;
  }
  if (message.type === 'candidate') {
    call.onCandidate(message);
  } else if (message.type === 'hangup') {
    call.end(message.reason === 'normal' ? 'The doorbell ended the call' : `The call ended (${message.reason})`);
  } else if (message.type === 'call-state' && message.state === 'ended') {
    call.end('Call ended');
  }
}

function showCallEnded(text) {
  const result = $('ring-result');
  result.hidden = false;
  result.dataset.callEnded = 'true';
  result.textContent = text;
}

function respond(kind) {
  const ring = state.current;
  if (!ring || !state.client?.connected) {
    $('ring-note').hidden = false;
    $('ring-note').textContent = 'Not connected to the doorbell: trying again…';
    return;
  }
  $('answer').disabled = true;
  $('decline').disabled = true;
  (kind === 'answer' ? $('answer') : $('decline')).textContent = kind === 'answer' ? 'Answering…' : 'Declining…';
  if (kind === 'answer') {
    state.answerClickedAt = performance.now();
    if (state.live && state.call && !state.call.ended && state.call.sessionId === state.live.sessionId) {
      // Watching already: the doorbell makes this live view the ring's call; the owner talks now.
      endLiveView();
      $('call-screen').dataset.kind = 'call';
      state.call.becomeCall();
    }
  }
  const message = kind === 'answer' ? ringAnswer(ring.deviceId, ring.ringId) : ringDecline(ring.deviceId, ring.ringId);
  state.client.publish(state.topics.ownerToDevice(state.ownerId, ring.deviceId), encode(message),
    { qos: 1, properties: { messageExpiryInterval: 10 } }, (error) => {
      if (error) {
        state.lastError = String(error);
        $('answer').disabled = false;
        $('decline').disabled = false;
        $('ring-note').hidden = false;
        $('ring-note').textContent = `Could not send: ${error.message}`;
      }
    });
}

async function enableSound() {
  if (await unlock()) {
    // Made invisible, not removed: the tap that unlocked the sound is still going on, and moving
    // everything below the hint would take the button from under the finger (the tap was lost).
    $('sound-hint').classList.add('done');
    for (const kind of ['pointerdown', 'touchend', 'click', 'keydown']) {
      document.removeEventListener(kind, enableSound);
    }
    if (state.current) {
      dingDong();
    }
  }
}

$('answer').addEventListener('click', () => {
  // Inside the tap: unlock the page's audio and the call's audio element, so the door's sound
  // can start when it arrives (WebKit allows play() later only on an element started by a gesture).
  enableSound();
  $('remote-audio').play().catch(() => {});
  respond('answer');
});
$('hangup').addEventListener('click', () => state.call?.hangup('normal'));
// The door strike, from a call or live view (the doorbell says whether it has one): never without a yes.
$('open-door').addEventListener('click', () => {
  if (!state.client?.connected || !window.confirm(`Open the door at ${state.config.deviceName}?`)) {
    return;
  }
  state.doorRequestId = newId('dq');
  $('open-door').disabled = true;
  $('door-note').textContent = 'Opening…';
  sendToDevice(doorOpen(state.config.deviceId, state.doorRequestId));
  setTimeout(() => { $('open-door').disabled = false; }, 5000);
});
$('live').addEventListener('click', () => startLiveView());
$('mute').addEventListener('click', () => {
  const muted = $('mute').getAttribute('aria-pressed') !== 'true';
  state.call?.setMuted(muted);
});
// Push-to-talk: the microphone is open while the button is held; releasing it puts the
// microphone back as it was (open by default: trying the button once must not leave it muted).
$('ptt').addEventListener('pointerdown', () => {
  state.mutedBeforeTalk = $('mute').getAttribute('aria-pressed') === 'true';
  $('ptt').classList.add('talking');
  state.call?.setMuted(false);
});
for (const end of ['pointerup', 'pointercancel', 'pointerleave']) {
  $('ptt').addEventListener(end, () => {
    if ($('ptt').classList.contains('talking')) {
      $('ptt').classList.remove('talking');
      state.call?.setMuted(state.mutedBeforeTalk === true);
    }
  });
}
$('decline').addEventListener('click', () => respond('decline'));
$('remote-video').addEventListener('click', () => $('remote-video').classList.toggle('fill'));
$('tap-to-hear').addEventListener('click', () => {
  $('remote-audio').play().then(() => { $('tap-to-hear').hidden = true; }).catch((e) => console.warn('still no sound', e));
});
$('push-on').addEventListener('click', () => turnPushOn());
$('push-off').addEventListener('click', () => turnPushOff());
navigator.serviceWorker?.addEventListener('message', (event) => {
  if (event.data?.type === 'openbell-notification' && state.config) {
    openedFromNotification(new URL(event.data.target, location.href).hash);
  }
});
if (unlocked()) {
  $('sound-hint').hidden = true;
}
start();
