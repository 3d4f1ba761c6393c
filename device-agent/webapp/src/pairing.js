// Pairing this phone with the doorbell, and the phones panel (docs/pairing.md).
// The phone's own broker account (owner.<id> and its password) is kept in this origin's
// localStorage only; the doorbell keeps a hash. Pairing links carry the code in the fragment
// (#pair=...), which browsers never send to a server.
import qrcode from './vendor/qrcode.js';

const $ = (id) => document.getElementById(id);
const KEY = 'openbell.owner';

/** { ownerId, username, password } or null. */
export function storedCredentials() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY));
    return value && value.ownerId && value.username && value.password ? value : null;
  } catch {
    return null;
  }
}

/** Keeps the account, with the origin of the doorbell page that issued it (see authorization()). */
export function storeCredentials(credentials) {
  localStorage.setItem(KEY, JSON.stringify({
    ownerId: credentials.ownerId,
    username: credentials.username,
    password: credentials.password,
    issuedBy: credentials.issuedBy ?? location.origin,
  }));
}

export function forgetCredentials() {
  localStorage.removeItem(KEY);
}

/** The Authorization header for the doorbell's API: only to the doorbell page that issued the account. */
export function authorization(credentials) {
  if (!credentials || (credentials.issuedBy && credentials.issuedBy !== location.origin)) {
    return {};
  }
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  return { Authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

/** The code in a pairing link (#pair=ABCD-EFGH-JK), if the page was opened with one. */
function codeFromLink() {
  const match = /(?:^#|&)pair=([A-Za-z0-9-]{1,32})/.exec(location.hash);
  return match ? match[1] : '';
}

/**
 * Shows the pairing screen until this phone is paired; resolves with its credentials.
 * `why` explains why pairing is needed again (e.g. this phone was removed). With `buttonPairing`
 * (no phone is paired yet) the phone can also pair by having someone press the doorbell's button.
 */
export function pairThisPhone(deviceName, why, buttonPairing = false) {
  const screen = $('pair-screen');
  screen.hidden = false;
  $('pair-doorbell').textContent = deviceName;
  $('pair-why').hidden = !why;
  $('pair-why').textContent = why ?? '';
  $('pair-code').value = codeFromLink();
  if (!$('pair-name').value) {
    $('pair-name').value = guessName();
  }
  $('pair-button-box').hidden = !buttonPairing;
  $('pair-ask').hidden = buttonPairing; // no phone is paired yet: nobody to ask
  $('pair-button-start').onclick = () => pairWithButton((code) => {
    $('pair-code').value = code;
    $('pair-form').requestSubmit();
  });
  return new Promise((resolve) => {
    $('pair-form').onsubmit = async (event) => {
      event.preventDefault();
      const button = $('pair-submit');
      button.disabled = true;
      $('pair-error').hidden = true;
      try {
        const response = await fetch('/api/pairing/redeem', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: $('pair-code').value, name: $('pair-name').value }),
        });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) {
          throw new Error(body.error ?? `HTTP ${response.status}`);
        }
        const credentials = { ownerId: body.ownerId, username: body.username, password: body.password };
        storeCredentials(credentials);
        history.replaceState(null, '', location.pathname + location.search); // the code is used up: drop it
        screen.hidden = true;
        resolve(credentials);
      } catch (e) {
        $('pair-error').textContent = `Not paired: ${e.message}`;
        $('pair-error').hidden = false;
      } finally {
        button.disabled = false;
      }
    };
  });
}

/** Asks the doorbell for a button claim, then waits for the press; hands the resulting code to `redeem`. */
async function pairWithButton(redeem) {
  const start = $('pair-button-start');
  const status = $('pair-button-status');
  const say = (text) => { status.textContent = text; status.hidden = false; };
  start.disabled = true;
  try {
    const response = await fetch('/api/pairing/claims', { method: 'POST' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    say('Now press the doorbell\'s button (within 2 minutes).');
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const poll = await fetch(`/api/pairing/claims/${encodeURIComponent(body.claim)}`, { cache: 'no-store' });
      const answer = await poll.json().catch(() => ({}));
      if (poll.status === 202) {
        continue;
      }
      if (!poll.ok) {
        throw new Error(answer.error ?? `HTTP ${poll.status}`);
      }
      say('Button pressed: pairing…');
      redeem(answer.code);
      return;
    }
  } catch (e) {
    say(`Not paired: ${e.message}`);
  } finally {
    start.disabled = false;
  }
}

function guessName() {
  const platform = navigator.userAgentData?.platform || (/iPhone|iPad/.test(navigator.userAgent) ? 'iPhone'
    : /Android/.test(navigator.userAgent) ? 'Android phone' : 'Browser');
  return `${platform}`.slice(0, 40);
}

/** The "Phones" card of a paired owner: who is paired, remove one, add one with a code and QR. */
export function showPhones(credentials, onRemovedSelf) {
  $('phones').hidden = false;
  $('add-phone').onclick = () => addPhone(credentials);
  $('print-code').onclick = () => window.print();
  refreshPhones(credentials, onRemovedSelf);
}

async function refreshPhones(credentials, onRemovedSelf) {
  const list = $('phone-list');
  try {
    const response = await fetch('/api/owners', { headers: authorization(credentials), cache: 'no-store' });
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    list.replaceChildren(...body.owners.map((owner) => {
      const item = document.createElement('li');
      item.dataset.ownerId = owner.id;
      const name = document.createElement('span');
      name.textContent = owner.you ? `${owner.name} (this phone)` : owner.name;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link';
      remove.textContent = 'Remove';
      remove.onclick = async () => {
        if (!confirm(`Remove ${owner.name}? It stops ringing at once and must be paired again.`)) {
          return;
        }
        const result = await fetch(`/api/owners/${encodeURIComponent(owner.id)}`, { method: 'DELETE', headers: authorization(credentials) });
        const detail = await result.json().catch(() => ({}));
        if (!result.ok) {
          alert(`Not removed: ${detail.error ?? result.status}`);
        } else if (owner.you) {
          onRemovedSelf();
          return;
        }
        refreshPhones(credentials, onRemovedSelf);
      };
      item.append(name, remove);
      return item;
    }));
  } catch (e) {
    list.replaceChildren(Object.assign(document.createElement('li'), { className: 'muted', textContent: `Cannot list phones: ${e.message}` }));
  }
}

async function addPhone(credentials) {
  const panel = $('new-code');
  try {
    const response = await fetch('/api/pairing/codes', { method: 'POST', headers: authorization(credentials) });
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    const link = `${location.origin}/#pair=${body.code}`;
    $('code-text').textContent = body.code;
    $('code-link').textContent = link;
    $('code-link').href = link;
    $('code-expiry').textContent = new Date(body.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const qr = qrcode(0, 'M');
    qr.addData(link);
    qr.make();
    $('code-qr').innerHTML = qr.createSvgTag({ cellSize: 5, margin: 2, scalable: true });
    panel.hidden = false;
  } catch (e) {
    $('code-text').textContent = `No code: ${e.message}`;
    panel.hidden = false;
  }
}
