// Firefox's own Web Push, end to end, for FirefoxPushEndToEndTest. This script is both sides of a
// push service: a stand-in speaking Mozilla's push WebSocket protocol to Firefox
// (dom.push.serverURL: hello, register, notification, ack) and the push endpoint the doorbell
// POSTs to (HTTPS, RFC 8030: it answers 201 and hands the encrypted body on, untouched, to the
// browser). Firefox then does the real work: pushManager.subscribe() against the stand-in, and the
// browser's own decryption of what the doorbell encrypted, before its service worker shows it.
//   node push-firefox.mjs <page URL> <profile dir> <ws port> <https port> <cert.pem> <key.pem>
// stdout: "subscribed", then (after the test presses the button) "notification <json>"; "error <text>".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { launchFirefox } from './firefox.mjs';

const [url, profile, wsPort, httpsPort, certFile, keyFile] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const log = (line) => process.stderr.write(`[push stand-in] ${line}\n`);

// --- the push service: Mozilla's WebSocket protocol towards the browser ---
const channels = new Map(); // endpoint token -> { socket, channelID }
const sockets = new Set();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(wsPort) });
wss.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('message', (raw) => {
    let m;
    try {
      m = JSON.parse(raw.toString());
    } catch {
      m = {};
    }
    if (m.messageType === 'hello') {
      socket.send(JSON.stringify({ messageType: 'hello', uaid: m.uaid || randomUUID().replace(/-/g, ''), status: 200, use_webpush: true }));
    } else if (m.messageType === 'register') {
      const token = randomUUID();
      channels.set(token, { socket, channelID: m.channelID });
      log(`register ${m.channelID} with key ${String(m.key).slice(0, 12)}...`);
      socket.send(JSON.stringify({ messageType: 'register', channelID: m.channelID, status: 200,
        pushEndpoint: `https://localhost:${httpsPort}/wpush/${token}` }));
    } else if (m.messageType === 'unregister') {
      socket.send(JSON.stringify({ messageType: 'unregister', channelID: m.channelID, status: 200 }));
    } else if (m.messageType === 'ack') {
      log(`ack ${JSON.stringify(m.updates)}`);
    } else if (m.messageType === 'ping' || Object.keys(m).length === 0) {
      socket.send('{}');
    }
  });
});

// --- the push endpoint the doorbell sends to (RFC 8030) ---
const https = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const token = req.url.replace('/wpush/', '');
    const channel = channels.get(token);
    if (req.method !== 'POST' || !channel) {
      res.writeHead(404).end();
      return;
    }
    const body = Buffer.concat(chunks);
    log(`push ${body.length} bytes, TTL ${req.headers.ttl}, Urgency ${req.headers.urgency}, Topic ${req.headers.topic}, ${String(req.headers.authorization).slice(0, 20)}...`);
    if (!String(req.headers.authorization).startsWith('vapid t=')) {
      res.writeHead(401).end();
      return;
    }
    channel.socket.send(JSON.stringify({ messageType: 'notification', channelID: channel.channelID, version: randomUUID(),
      data: body.toString('base64url'), headers: { encoding: req.headers['content-encoding'] ?? 'aes128gcm' } }));
    res.writeHead(201, { Location: `https://localhost:${httpsPort}/message/${randomUUID()}` }).end();
  });
});
https.listen(Number(httpsPort), '127.0.0.1');

// --- Firefox, as the owner's phone ---
const browser = await launchFirefox(profile, {
  'dom.push.serverURL': `ws://127.0.0.1:${wsPort}/`,
  'dom.push.testing.allowInsecureServerURL': true,
  'dom.push.connection.enabled': true,
  'dom.push.enabled': true,
  'dom.serviceWorkers.enabled': true,
  'permissions.default.desktop-notification': 1,
  'dom.webnotifications.requireuserinteraction': false,
  'alerts.useSystemBackend': false, // headless: no desktop notification service, use Firefox's own
});
let page;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844 });
  page.on('console', (m) => process.stderr.write(`[firefox console.${m.type()}] ${m.text()}\n`));
  await page.goto(url);
  await page.waitForSelector('#presence[data-state=online]', { timeout: 30_000 });
  await page.waitForSelector('#push[data-state=off]', { timeout: 30_000 });
  await page.click('#push-on'); // the tap that asks for notifications and subscribes
  await page.waitForSelector('#push[data-state=on]', { timeout: 30_000 });
  // The phone is locked: no page of the app in front while the ring's push arrives. Only then may
  // the test press (said too early, the push could come while the app's page was still in front:
  // the service worker then leaves the ringing to the page and shows no notification).
  await page.goto('about:blank');
  say('subscribed');
  const origin = new URL(url).origin;
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (i % 10 !== 9) {
      continue;
    }
    await page.goto(`${origin}/icons/icon-192.png`);
    const shown = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      const list = registration ? await registration.getNotifications() : [];
      return list.map((n) => ({ title: n.title, tag: n.tag, body: n.body, ringId: n.data?.ring?.ringId ?? null }));
    });
    if (shown.length > 0) {
      say(`notification ${JSON.stringify(shown[0])}`);
      break;
    }
    await page.goto('about:blank');
  }
} catch (e) {
  say(`error ${String(e?.message ?? e).replace(/\n/g, ' ')}`);
} finally {
  await browser.close();
  wss.close();
  https.close();
  for (const s of sockets) {
    s.terminate();
  }
}
