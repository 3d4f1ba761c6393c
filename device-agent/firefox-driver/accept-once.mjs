// A new owner opens the doorbell's page in Firefox, which does not trust its certificate: the
// warning page, "Advanced...", "Accept the Risk and Continue", clicked with the mouse as a person
// does (no acceptInsecureCerts, no trusted authority). Firefox keeps such an exception per host
// and port, so if anything the page needs (its MQTT WebSocket) were on another origin, it would
// stay unreachable. For CertificateAcceptanceEndToEndTest.
//   node accept-once.mjs <page URL> <empty profile dir>
// stdout: "warned", "accepted <exceptions file>", then "presence <state>" and "ring <ringId>" as
// they show, until the test closes stdin; "error <text>".
import { readFileSync, existsSync } from 'node:fs';
import { launchFirefox } from './firefox.mjs';

const [url, profile] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await launchFirefox(profile, { 'alerts.useSystemBackend': false, 'security.dialog_enable_delay': 0 });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844 });
  try {
    await page.goto(url);
    say('error the page loaded without a certificate warning');
    process.exit(1);
  } catch {
    // the certificate warning: Firefox's navigation fails and shows about:certerror
  }
  for (let i = 0; i < 50 && !page.url().startsWith('about:certerror'); i++) {
    await sleep(100);
  }
  if (!page.url().startsWith('about:certerror')) {
    say(`error expected the certificate warning, got ${page.url()}`);
    process.exit(1);
  }
  say('warned');
  // The warning page's buttons live in shadow roots: find one, and click where it is on screen.
  const centre = (id) => page.evaluate((id) => {
    const walk = (root) => {
      for (const e of root.querySelectorAll('*')) {
        if (e.id === id) {
          e.scrollIntoView();
          const r = e.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        const inner = e.shadowRoot && walk(e.shadowRoot);
        if (inner) {
          return inner;
        }
      }
      return null;
    };
    return walk(document);
  }, id);
  for (const id of ['advanced-button', 'exception-button']) {
    let at = null;
    for (let i = 0; i < 50 && !at; i++) {
      at = await centre(id);
      if (!at) {
        await sleep(100);
      }
    }
    if (!at) {
      say(`error no ${id} on the warning page`);
      process.exit(1);
    }
    await page.mouse.click(at.x, at.y);
    await sleep(300);
  }
  for (let i = 0; i < 100 && page.url().startsWith('about:'); i++) {
    await sleep(100);
  }
  const overrides = `${profile}/cert_override.txt`;
  say(`accepted ${existsSync(overrides) ? readFileSync(overrides, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0]).join(',') : 'none'}`);
  let presence = null;
  let ring = null;
  let closed = false;
  process.stdin.on('end', () => { closed = true; });
  process.stdin.resume();
  const deadline = Date.now() + 30000;
  while (!closed) {
    if (Date.now() > deadline) {
      say(`error after 30 s: presence ${presence}, ring ${ring}`);
      break;
    }
    const seen = await page.evaluate(() => ({
      presence: document.getElementById('presence')?.dataset.state ?? null,
      ring: document.getElementById('ring-screen')?.hidden === false ? document.getElementById('ring-screen').dataset.ringId : null,
    })).catch(() => ({ presence: null, ring: null }));
    if (seen.presence !== presence) {
      presence = seen.presence;
      say(`presence ${presence}`);
    }
    if (seen.ring && seen.ring !== ring) {
      ring = seen.ring;
      say(`ring ${ring}`);
      await page.click('#decline');
    }
    await sleep(100);
  }
} catch (e) {
  say(`error ${e.message}`);
} finally {
  await browser.close();
}
