// Rings when this phone is locked: the service worker, this phone's push subscription, and the
// "Rings when locked" card (docs/protocol.md, "Push"). The doorbell itself sends the pushes.
const $ = (id) => document.getElementById(id);
const SETTINGS_CACHE = 'openbell-settings';
const SETTINGS_URL = '/openbell-settings.json';
const STATUS_WAIT_MS = 30_000;

const push = {
  registration: null,
  key: null,             // the doorbell's VAPID public key (base64url)
  send: null,            // (message) => publishes to the doorbell
  deviceId: null,
  pendingEndpoint: null, // a push-subscribe/-unsubscribe waiting for its push-status
  statusTimer: null,
  state: 'unknown',
};
window.openbellPush = push; // for tests and benchmarks: push.register(subscription JSON)

/** Why this browser cannot get pushes, in words; null if it can. */
export function pushUnsupported() {
  if (!window.isSecureContext) {
    return 'This page is not a secure page for this phone (its certificate is not trusted), so the phone cannot ring while locked. For that, use the owner app from the internet (README, "Rings on a locked phone").';
  }
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    const ios = /iPhone|iPad/.test(navigator.userAgent);
    return ios && !navigator.standalone
      ? 'On iPhone and iPad, first add this page to the Home Screen (Share, Add to Home Screen) and open it from there.'
      : 'This browser cannot show notifications from web apps.';
  }
  return null;
}

/** Registers the service worker and tells it which doorbell and owner it serves. */
export async function startPush({ deviceId, deviceName, ownerId, key, send, local = false, keyExpected = true }) {
  push.keyExpected = keyExpected; // false: the doorbell's own config says it has no push key (push is off)
  push.deviceId = deviceId;
  push.local = local; // the doorbell's own page (it offers its certificate authority); not the hosted copy
  push.send = send;
  push.register = registerWithDoorbell;
  if (key) {
    push.key = key;
  }
  const cache = window.caches ? await caches.open(SETTINGS_CACHE).catch(() => null) : null;
  await cache?.put(SETTINGS_URL, new Response(JSON.stringify({ deviceId, deviceName, ownerId }),
    { headers: { 'Content-Type': 'application/json' } }));
  const unsupported = pushUnsupported();
  if (unsupported) {
    show('unsupported', unsupported);
    return;
  }
  try {
    push.registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch (e) {
    $('push-trust').hidden = e.name !== 'SecurityError' || !push.local;
    show('unsupported', e.name === 'SecurityError'
      ? `This phone does not trust the doorbell's certificate, so it cannot ring while locked. ${push.local
        ? 'Trust this doorbell on this phone (below), or use the owner app from the internet.'
        : 'Use the owner app from the internet (README, "Rings on a locked phone").'}`
      : `The phone refused this app's service worker (${e.message}), so it cannot ring while locked.`);
    return;
  }
  await refresh();
}

/** The doorbell's key from its retained push-key (the hosted app has no /api/config). */
export function pushKeyReceived(message) {
  if (push.key !== message.key) {
    push.key = message.key;
    refresh();
  }
}

/** Shows what this phone gets now. */
async function refresh() {
  if (!push.registration) {
    return;
  }
  const subscription = await push.registration.pushManager.getSubscription();
  if (Notification.permission === 'denied') {
    show('denied', 'Notifications are blocked for this page: allow them in the browser\'s site settings to ring when locked.');
  } else if (subscription && localStorage.getItem('openbell.push') === subscription.endpoint) {
    show('on', 'On: this phone rings even when it is locked or the app is closed.');
  } else if (!push.key && push.local && push.keyExpected === false) {
    show('unsupported', 'Rings to locked phones are turned off on this doorbell (push.enabled in its settings).');
  } else if (!push.key) {
    show('waiting', 'Waiting for the doorbell…');
  } else {
    show('off', 'Off: this phone rings only while this page is open. Turn it on to be rung when it is locked.');
  }
}

function show(state, text) {
  push.state = state;
  const card = $('push');
  if (!card) {
    return;
  }
  card.hidden = false;
  card.dataset.state = state;
  $('push-text').textContent = text;
  $('push-on').hidden = state !== 'off';
  $('push-off').hidden = state !== 'on';
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const unpadded = (text) => text.replace(/=+$/, '');

/** From a tap: ask for notifications, subscribe at the push service, register with the doorbell. */
export async function turnPushOn() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    await refresh();
    return;
  }
  show('working', 'Turning on…');
  let subscription;
  try {
    subscription = await push.registration.pushManager.getSubscription();
    const key = base64UrlToBytes(push.key);
    const existingKey = subscription?.options?.applicationServerKey;
    if (subscription && existingKey && !sameBytes(new Uint8Array(existingKey), key)) {
      await subscription.unsubscribe(); // made for another doorbell key
      subscription = null;
    }
    subscription ??= await push.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch (e) {
    show('off', `The phone's push service did not answer (${e.message}). Try again when online.`);
    return;
  }
  registerWithDoorbell(subscription.toJSON());
}

/** On every connection: renews this phone's subscription with the doorbell (it may have lost it). */
export async function renewPush() {
  const subscription = await push.registration?.pushManager.getSubscription();
  if (subscription && localStorage.getItem('openbell.push') === subscription.endpoint) {
    registerWithDoorbell(subscription.toJSON());
  }
}

/** Sends a subscription (as toJSON() gives it) to the doorbell and waits for its push-status. */
export function registerWithDoorbell(json) {
  push.pendingEndpoint = json.endpoint;
  push.send({ v: 1, type: 'push-subscribe', deviceId: push.deviceId, endpoint: json.endpoint,
    p256dh: unpadded(json.keys.p256dh), auth: unpadded(json.keys.auth), at: Date.now() });
  waitForStatus('This doorbell did not answer: it may be too old to ring a locked phone, or offline. Try again later.');
}

export async function turnPushOff() {
  const subscription = await push.registration?.pushManager.getSubscription();
  localStorage.removeItem('openbell.push');
  if (subscription) {
    push.pendingEndpoint = subscription.endpoint;
    push.send({ v: 1, type: 'push-unsubscribe', deviceId: push.deviceId, endpoint: subscription.endpoint, at: Date.now() });
    await subscription.unsubscribe().catch(() => {});
  }
  await refresh();
}

function waitForStatus(timeoutText) {
  clearTimeout(push.statusTimer);
  push.statusTimer = setTimeout(() => {
    if (push.pendingEndpoint) {
      push.pendingEndpoint = null;
      show('off', timeoutText);
    }
  }, STATUS_WAIT_MS);
}

const REFUSALS = {
  'endpoint-not-allowed': 'The doorbell does not send to this browser\'s push service.',
  'bad-key': 'The doorbell could not use this browser\'s push key.',
  'push-off': 'Rings to locked phones are turned off on this doorbell.',
  'not-stored': 'The doorbell could not save it (its storage may be full). Try again later.',
};

/** The doorbell's push-status for this owner. */
export function pushStatusReceived(message) {
  if (message.endpoint !== push.pendingEndpoint) {
    return;
  }
  push.pendingEndpoint = null;
  clearTimeout(push.statusTimer);
  if (message.state === 'subscribed') {
    localStorage.setItem('openbell.push', message.endpoint);
    refresh();
  } else if (message.state === 'refused') {
    show('off', `Not turned on: ${REFUSALS[message.reason] ?? message.reason}`);
  } else {
    refresh();
  }
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
