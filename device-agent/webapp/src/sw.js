// The owner app's service worker: keeps the app shell for offline starts, and rings this phone
// when a push from the doorbell arrives while no page of the app is in front (docs/protocol.md,
// "Push"). A classic script (Firefox ESR has no module service workers): the protocol's decoder
// comes from vendor/protocol-classic.js, generated from protocol.js at build time.
/* global self, caches, clients, importScripts */
importScripts('vendor/protocol-classic.js');

const { decode } = self.openbellProtocol;
const SHELL_CACHE = 'openbell-shell-v1';
const SETTINGS_CACHE = 'openbell-settings';
const SETTINGS_URL = '/openbell-settings.json';
const SHELL = ['/', '/index.html', '/style.css', '/app.js', '/protocol.js', '/call.js', '/pairing.js', '/away.js',
  '/ring-sound.js', '/push.js', '/replies.js', '/motion.js', '/vendor/mqtt.esm.js', '/vendor/qrcode.js', '/manifest.webmanifest',
  '/icons/icon-192.png', '/icons/icon-512.png'];
const RING_VIBRATION = [300, 150, 300, 150, 600];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('openbell-shell-') && k !== SHELL_CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The app shell: network first (a doorbell on the LAN answers fast, and updates show at once),
// the cached copy when the doorbell cannot be reached. Never the API or the broker.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin
      || url.pathname.startsWith('/api/') || url.pathname === '/mqtt') {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && SHELL.includes(url.pathname)) {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })
    .then((cached) => cached ?? caches.match('/index.html'))));
});

/** What the page stored for this worker: { deviceId, deviceName, ownerId }. */
async function settings() {
  const response = await (await caches.open(SETTINGS_CACHE)).match(SETTINGS_URL);
  return response ? response.json() : {};
}

/** A page of the app that the owner is looking at: it rings by itself, no notification needed. */
async function visiblePage() {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.find((w) => w.visibilityState === 'visible' && w.focused
    && ['/', '/index.html'].includes(new URL(w.url).pathname)); // the owner app, not the demo page
}

/**
 * Thumbnails that came before their ring's push (two pushes race): ringId -> data URL, the newest
 * few, while this worker runs. A picture never rings by itself.
 */
const earlyPictures = new Map();

const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

self.addEventListener('push', (event) => {
  event.waitUntil(onPush(event.data));
});

async function onPush(data) {
  const known = await settings();
  const doorName = known.deviceName ?? 'Doorbell';
  let message = null;
  if (data) {
    try {
      message = decode(new Uint8Array(data.arrayBuffer()));
    } catch (e) {
      console.warn(`rejected a push: ${e.message}`);
      return; // not ours, or broken: never ring for it
    }
  }
  if (message && known.deviceId && message.deviceId !== known.deviceId) {
    console.warn(`rejected a push for doorbell ${message.deviceId}`);
    return;
  }
  const deviceId = message?.deviceId ?? known.deviceId ?? 'doorbell';
  const tag = `openbell-${deviceId}`;
  const receivedAt = Date.now();
  if (message === null || message.type === 'ring') {
    if (await visiblePage()) {
      return; // the open page rings (it has the same ring over MQTT)
    }
    // Idempotent, like every receiver (docs/protocol.md, "Duplicates"): a push delivered twice, or
    // a ring arriving after its own ring-ended, must not ring again.
    if (message && (await self.registration.getNotifications({ tag }))
      .some((n) => n.data?.ring?.ringId === message.ringId || n.data?.ended?.ringId === message.ringId)) {
      return;
    }
    // Times on this phone's clock (docs/protocol.md, "Clocks"): when the push arrived.
    await self.registration.showNotification(`${doorName}: someone is at the door`, {
      tag,
      renotify: true,
      requireInteraction: true,
      vibrate: RING_VIBRATION,
      body: `Rang at ${timeFormat.format(receivedAt)}. Tap to answer.`,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      actions: message ? [{ action: 'answer', title: 'Answer' }, { action: 'decline', title: 'Decline' }] : [],
      ...(message && earlyPictures.has(message.ringId) ? { image: earlyPictures.get(message.ringId) } : {}),
      data: { kind: 'ring', ring: message, receivedAt },
    });
    return;
  }
  if (message.type === 'snapshot') {
    // The picture of who rang, where the platform shows images (docs/protocol.md, "Pictures"): into
    // the ring's notification, quietly; after its ring ended, or for a ring not shown, nothing.
    const image = `data:image/jpeg;base64,${message.jpeg}`;
    const shown = (await self.registration.getNotifications({ tag }))
      .find((n) => n.data?.kind === 'ring' && n.data?.ring?.ringId === message.ringId);
    if (!shown) {
      earlyPictures.set(message.ringId, image);
      [...earlyPictures.keys()].slice(0, -4).forEach((ringId) => earlyPictures.delete(ringId));
      return;
    }
    await self.registration.showNotification(shown.title, {
      tag,
      renotify: false,
      silent: true,
      requireInteraction: true,
      body: shown.body,
      icon: shown.icon,
      badge: shown.badge,
      image,
      actions: shown.actions,
      data: { ...shown.data, picture: true },
    });
    return;
  }
  if (message.type === 'motion') {
    // Someone at the door and no ring (docs/protocol.md, "Motion"), pushed only because this phone's
    // owner asked: silent, and never over a ring's notification (a ring replaces it: the same tag).
    if (await visiblePage()) {
      return;
    }
    if ((await self.registration.getNotifications({ tag })).some((n) => n.data?.kind === 'ring')) {
      return;
    }
    await self.registration.showNotification(`${doorName}: motion at the door`, {
      tag,
      renotify: false,
      silent: true,
      body: `Motion at ${timeFormat.format(receivedAt)}. Nobody has rung.`,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { kind: 'motion', motion: message, receivedAt },
    });
    return;
  }
  if (message.type === 'ring-ended') {
    const shown = await self.registration.getNotifications({ tag });
    const ringShown = shown.find((n) => n.data?.ring?.ringId === message.ringId);
    const rangAt = ringShown?.data?.receivedAt ?? receivedAt;
    shown.forEach((n) => n.close());
    if (message.outcome === 'answered' && message.by === known.ownerId) {
      return; // answered on this phone: nothing left to say
    }
    if (await visiblePage()) {
      return;
    }
    const text = message.outcome === 'answered' ? `Answered by ${message.by === known.ownerId ? 'you' : message.by}`
      : message.outcome === 'declined' ? `Declined by ${message.by === known.ownerId ? 'you' : message.by}`
        : `Missed ring at ${timeFormat.format(rangAt)}`;
    await self.registration.showNotification(`${doorName}: ${text}`, {
      tag,
      renotify: false,
      silent: true,
      body: message.outcome === 'timed-out' ? 'Nobody answered.' : `Rang at ${timeFormat.format(rangAt)}.`,
      icon: '/icons/icon-192.png',
      data: { kind: 'ended', ended: message },
    });
  }
}

// A tap opens the app in that ring; Answer (or a tap on a ring) answers it at once, Decline declines.
self.addEventListener('notificationclick', (event) => {
  const { notification } = event;
  notification.close();
  const data = notification.data ?? {};
  let target = '/';
  if (data.kind === 'ring' && data.ring) {
    const action = event.action === 'decline' ? 'decline' : event.action === 'answer' ? 'answer' : 'show';
    const ring = btoa(JSON.stringify({ ...data.ring, receivedAt: data.receivedAt }));
    target = `/#push-ring=${encodeURIComponent(ring)}&action=${action}`;
  }
  event.waitUntil((async () => {
    const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
    const page = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (page) {
      await page.focus();
      page.postMessage({ type: 'openbell-notification', target });
      return;
    }
    await clients.openWindow(target);
  })());
});
