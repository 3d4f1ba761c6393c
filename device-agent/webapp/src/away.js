// Using the owner app away from home: a copy of the app hosted next to the broker (see the README,
// "Remote access") cannot ask the doorbell for /api/config, so the doorbell's page hands this
// phone's settings over in a link: <ownerAppUrl>#import=<base64url JSON>. The fragment is never
// sent to any server; the hosted copy stores it and drops it from the address.
import { forgetCredentials, storedCredentials, storeCredentials } from './pairing.js';

const $ = (id) => document.getElementById(id);
const KEY = 'openbell.doorbell';

/** What a page needs of the doorbell, saved whenever the doorbell's own page loads. */
export function rememberDoorbell(config) {
  const doorbell = {
    deviceId: config.deviceId,
    deviceName: config.deviceName,
    topicPrefix: config.topicPrefix,
    brokerUrl: config.brokerUrl.replace('{hostport}', location.host).replace('{host}', location.hostname),
    ...(Array.isArray(config.brokerUrls) ? { brokerUrls: config.brokerUrls.map((u) => u.replace('{hostport}', location.host).replace('{host}', location.hostname)) } : {}),
    protocolVersion: config.protocolVersion,
  };
  localStorage.setItem(KEY, JSON.stringify(doorbell));
  return doorbell;
}

export function rememberedDoorbell() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY));
    return value && value.deviceId && value.brokerUrl && value.topicPrefix ? value : null;
  } catch {
    return null;
  }
}

/**
 * Takes the settings out of an #import= link, if the page was opened with one. A stored account is
 * only ever sent to the broker it came with: a link that points this page at another broker or
 * doorbell must be confirmed, and without an account of its own it makes the page forget the old one
 * (so a forged link cannot collect this phone's password).
 */
export function importFromLink() {
  const match = /(?:^#|&)import=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match) {
    return false;
  }
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(match[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const { doorbell, owner } = JSON.parse(json);
    if (!doorbell?.deviceId || !doorbell?.brokerUrl || !doorbell?.topicPrefix) {
      throw new Error('incomplete');
    }
    // A cluster's nodes: WebSocket URLs only, the first the broker URL; any change counts as a move
    // (a stored password must never follow a link to another host, first node or not).
    const nodes = doorbell.brokerUrls ?? [doorbell.brokerUrl];
    if (!Array.isArray(nodes) || nodes.length < 1 || nodes.length > 16 || nodes[0] !== doorbell.brokerUrl
        || !nodes.every((u) => typeof u === 'string' && /^wss?:\/\//.test(u))) {
      throw new Error('bad broker URLs');
    }
    const current = rememberedDoorbell();
    const currentNodes = current ? JSON.stringify(current.brokerUrls ?? [current.brokerUrl]) : null;
    const moved = current && (currentNodes !== JSON.stringify(nodes) || current.deviceId !== doorbell.deviceId);
    if (moved && storedCredentials()) {
      const host = new URL(doorbell.brokerUrl).host;
      if (!confirm(`This link sets up the owner app for the doorbell "${doorbell.deviceName ?? doorbell.deviceId}" at ${host}, `
        + 'replacing the doorbell it rings for now. Only use links from your own doorbell\'s page. Replace?')) {
        return false;
      }
      forgetCredentials();
    }
    localStorage.setItem(KEY, JSON.stringify(doorbell));
    if (owner) {
      storeCredentials(owner);
    }
    return true;
  } catch (e) {
    console.warn('ignoring a broken #import link', e);
    return false;
  }
}

/** The "Away from home" card on the doorbell's own page: the link to the hosted copy, with this phone's settings. */
export function showAwayLink(ownerAppUrl, doorbell) {
  const payload = JSON.stringify({ doorbell, owner: storedCredentials() });
  const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(payload)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const url = new URL(ownerAppUrl);
  url.hash = `import=${encoded}`;
  $('away-link').href = url.href;
  $('away').hidden = false;
}
