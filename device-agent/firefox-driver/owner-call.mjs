// Firefox ESR as an owner's phone, for FirefoxEndToEndTest: opens the owner app (one origin, the
// doorbell's certificate authority trusted in the profile, no certificate exception), reports
// when it is online, answers the ring the test makes, and reports the call's video codec, frames
// decoded and ICE candidates as one JSON line; then hangs up, opens a live view ("Look at the
// door") and reports its frames and the call screen's label.
//   node owner-call.mjs <page URL> <profile dir>
// Protocol on stdout: "online", then "ringing", then "result <json>", then "live <json>"; errors: "error <text>".
import { launchFirefox } from './firefox.mjs';

const [url, profile] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

const browser = await launchFirefox(profile, {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
});
let page;
try {
  page = await browser.newPage();
  // Note every ICE candidate the page gathers (Firefox names hosts by mDNS .local names).
  await page.evaluateOnNewDocument(() => {
    window.openbellCandidates = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('icecandidate', (e) => { if (e.candidate?.candidate) window.openbellCandidates.push(e.candidate.candidate); });
      }
    };
  });
  await page.setViewport({ width: 390, height: 844 });
  page.on('console', (m) => process.stderr.write(`[firefox console.${m.type()}] ${m.text()}\n`));
  await page.goto(url);
  await page.waitForSelector('#presence[data-state=online]', { timeout: 30_000 });
  say('online');
  await page.waitForSelector('#ring-screen:not([hidden])', { timeout: 30_000 });
  say('ringing');
  await page.click('#answer');
  await page.waitForSelector('#call-screen[data-state=connected]', { timeout: 30_000 });
  // Video keeps coming: frames decoded over 3 s, by getStats (Firefox's playback quality counts 0 for WebRTC).
  const stats = () => page.evaluate(async () => {
    const out = { framesDecoded: 0, codec: null, local: [], remote: [], pair: null };
    const report = await openbell.call.pc.getStats();
    const codecs = new Map();
    report.forEach((s) => { if (s.type === 'codec') codecs.set(s.id, s.mimeType); });
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.framesDecoded = s.framesDecoded ?? 0;
        out.codec = codecs.get(s.codecId) ?? null;
      } else if (s.type === 'local-candidate') {
        out.local.push({ address: s.address, type: s.candidateType });
      } else if (s.type === 'remote-candidate') {
        out.remote.push({ address: s.address, type: s.candidateType });
      } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
        out.pair = { local: s.localCandidateId, remote: s.remoteCandidateId };
      }
    });
    return out;
  });
  const before = await stats();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = await stats();
  const gathered = await page.evaluate(() => window.openbellCandidates);
  say(`result ${JSON.stringify({ ...after, framesBefore: before.framesDecoded, gathered })}`);
  await page.click('#hangup');
  // A live view: the camera without a ring, the microphone left closed.
  await page.waitForSelector('#live:not([disabled])', { timeout: 30_000 });
  await page.click('#live');
  await page.waitForSelector('#call-screen[data-state=connected][data-kind=live]', { timeout: 30_000 });
  const liveBefore = await stats();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const liveAfter = await stats();
  const label = await page.evaluate(() => document.getElementById('call-state').textContent);
  say(`live ${JSON.stringify({ framesBefore: liveBefore.framesDecoded, framesDecoded: liveAfter.framesDecoded, codec: liveAfter.codec, label })}`);
  await page.click('#hangup');
} catch (e) {
  const gathered = page ? await page.evaluate(() => JSON.stringify(window.openbellCandidates)).catch(() => '') : '';
  say(`gathered ${gathered}`);
  const detail = page ? await page.evaluate(() => JSON.stringify({ gathered: window.openbellCandidates,
    ice: openbell.call?.pc?.iceConnectionState, connection: openbell.call?.pc?.connectionState,
    remote: openbell.call?.pc?.remoteDescription?.sdp?.split('\r\n').filter((l) => l.startsWith('a=candidate') || l.startsWith('a=fingerprint') || l.startsWith('m=')) })).catch((x) => `(no detail: ${x})`) : '';
  say(`error ${String(e?.message ?? e).replace(/\n/g, ' ')} ${detail}`);
} finally {
  await browser.close();
}
