// Motion (docs/protocol.md, "Motion"): the doorbell's motion sensor saw someone, before or without
// a press. Never a ring: the open page says so quietly, and a locked phone gets a silent
// notification only if its owner turned that on here (the doorbell keeps the choice per owner).
import { motionAlerts } from './protocol.js';

const $ = (id) => document.getElementById(id);
const SHOWN_MS = 60_000;
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
let hideTimer = null;

const storageKey = (deviceId) => `openbell-motion-alerts-${deviceId}`;

/** This phone's choice for doorbell {@code deviceId}: true, false, or null (never chosen: off). */
function chosen(deviceId) {
  const value = localStorage.getItem(storageKey(deviceId));
  return value === null ? null : value === 'on';
}

/** A motion from the doorbell: a quiet line on the page for a minute. */
export function motionReceived(message) {
  const note = $('motion-note');
  note.textContent = `Someone is at the door (motion at ${timeFormat.format(Date.now())}). Nobody has rung.`;
  note.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => { note.hidden = true; }, SHOWN_MS);
}

/** The doorbell's capabilities came: offer the quiet notification where it has a motion sensor. */
export function showMotionOption(deviceId, hasSensor, send) {
  const button = $('motion-alerts');
  button.hidden = !hasSensor;
  render(chosen(deviceId) === true);
  button.onclick = () => {
    const on = button.getAttribute('aria-pressed') !== 'true';
    localStorage.setItem(storageKey(deviceId), on ? 'on' : 'off');
    render(on);
    send(motionAlerts(deviceId, on));
  };
}

/** On every connect: tell the doorbell this phone's choice again (it may have been reset). */
export function sendMotionChoice(deviceId, send) {
  const on = chosen(deviceId);
  if (on !== null) {
    send(motionAlerts(deviceId, on));
  }
}

function render(on) {
  const button = $('motion-alerts');
  button.setAttribute('aria-pressed', String(on));
  button.textContent = on ? 'Quiet notice when someone walks up: on' : 'Quiet notice when someone walks up: off';
}
