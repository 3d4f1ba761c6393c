// Quick replies (docs/protocol.md, "Quick replies"): short spoken messages the doorbell plays at
// the door without a call ("Please leave it at the door"), picked on the ringing screen or in a
// call. The doorbell lists them in its retained capabilities; older doorbells list none, and then
// nothing shows.
import { replyPlay } from './protocol.js';

const $ = (id) => document.getElementById(id);
/** Where the buttons go, and the line under them that says what became of a pick. */
const PLACES = [{ box: 'ring-replies', note: 'ring-reply-note' }, { box: 'call-replies', note: 'call-reply-note' }];
const NO_ANSWER_MS = 6000;

let pending = null; // { requestId, label, note, timer }

/**
 * Shows doorbell {@code deviceId}'s replies ({@code [{replyId, label}]}) as buttons; a tap sends a
 * reply-play through {@code send} with an id from {@code newId}.
 */
export function showReplies(deviceId, replies, send, newId) {
  for (const place of PLACES) {
    const box = $(place.box);
    box.replaceChildren(...replies.map((reply) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'reply';
      button.dataset.replyId = reply.replyId;
      button.textContent = reply.label; // text, never markup: the label comes from the doorbell's files
      button.addEventListener('click', () => pick(deviceId, reply, place.note, send, newId));
      return button;
    }));
    box.hidden = replies.length === 0;
    $(place.note).textContent = '';
  }
}

function pick(deviceId, reply, noteId, send, newId) {
  const requestId = newId('rq');
  clearTimeout(pending?.timer);
  const note = $(noteId);
  note.textContent = `Saying “${reply.label}”…`;
  pending = {
    requestId, label: reply.label, note,
    timer: setTimeout(() => {
      if (pending?.requestId === requestId) {
        note.textContent = 'The doorbell did not answer: is it online?';
        pending = null;
      }
    }, NO_ANSWER_MS),
  };
  try {
    send(replyPlay(deviceId, requestId, reply.replyId));
  } catch (e) {
    note.textContent = `Could not send: ${e.message}`;
  }
}

/** The doorbell's reply-status for this phone. */
export function replyStatusReceived(message) {
  if (pending?.requestId !== message.requestId) {
    return;
  }
  clearTimeout(pending.timer);
  const { note, label } = pending;
  pending = null;
  note.textContent = message.state === 'playing' ? `Playing at the door: “${label}”`
    : message.reason === 'too-soon' ? 'A reply is just starting: try again in a moment.'
      : message.reason === 'no-speaker' ? 'The doorbell has no speaker to play it on.'
        : message.reason === 'not-paired' ? 'This phone may not use the doorbell\'s speaker.'
          : 'The doorbell no longer has that reply.';
}
