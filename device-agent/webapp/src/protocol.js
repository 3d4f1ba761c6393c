// Openbell protocol v1 (docs/protocol.md): topics, encoding and strict decoding.
// No dependency on MQTT or the DOM: runs in the browser and under `node --test`.
// The Java twin is org.openbell.signaling.MessageCodec; both pass mqtt-signaling/test-vectors/v1.json.

export const PROTOCOL_VERSION = 1;
export const MAX_PAYLOAD_BYTES = 65536;

export const ErrorCode = Object.freeze({
  TOO_LARGE: 'too-large',
  MALFORMED: 'malformed',
  MISSING_FIELD: 'missing-field',
  UNSUPPORTED_VERSION: 'unsupported-version',
  UNKNOWN_TYPE: 'unknown-type',
  UNKNOWN_FIELD: 'unknown-field',
  INVALID_FIELD: 'invalid-field',
});

/** A payload that is not a valid v1 message; `code` is one of ErrorCode. */
export class ProtocolError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidId(value) {
  return typeof value === 'string' && ID.test(value);
}

const id = (name) => ({ name, kind: 'id', required: true });
const optionalId = (name) => ({ name, kind: 'id', required: false });
const time = (name) => ({ name, kind: 'time', required: true });
const positiveInt = (name) => ({ name, kind: 'positive-int', required: true });
const choice = (name, choices) => ({ name, kind: 'choice', required: true, choices });
const sdp = (name) => ({ name, kind: 'sdp', required: true });
const token = (name) => ({ name, kind: 'token', required: true });
const line = (name) => ({ name, kind: 'line', required: true });
const index = (name) => ({ name, kind: 'index', required: true });
const optionalIceServers = (name) => ({ name, kind: 'ice-servers', required: false });
const optionalChoice = (name, choices) => ({ name, kind: 'choice', required: false, choices });
const endpoint = (name) => ({ name, kind: 'endpoint', required: true });
const p256Key = (name) => ({ name, kind: 'p256-key', required: true });
const authSecret = (name) => ({ name, kind: 'auth-secret', required: true });
const visits = (name) => ({ name, kind: 'visits', required: true });
const ids = (name) => ({ name, kind: 'ids', required: true });
const dimension = (name) => ({ name, kind: 'dimension', required: true });
const jpeg = (name) => ({ name, kind: 'jpeg', required: true });
const flag = (name) => ({ name, kind: 'flag', required: true });
const openings = (name) => ({ name, kind: 'openings', required: true });
export const MAX_OPENINGS = 200;
const replies = (name) => ({ name, kind: 'replies', required: true });
/** The most quick replies a doorbell offers, and a label's longest length in characters (docs/protocol.md, "Quick replies"). */
export const MAX_REPLIES = 12;
export const MAX_LABEL = 40;
export const MAX_VISITS = 200;

export const MAX_SDP_CHARS = 32768;
export const MAX_CANDIDATE_CHARS = 1024;
const PRINTABLE = /^[\x20-\x7e]*$/;
const TOKEN = /^[\x21-\x7e]{1,64}$/;
export const MAX_ENDPOINT_CHARS = 1024;
const ENDPOINT = /^https:\/\/[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(\/[\x21-\x7e]*)?$/;
const P256_KEY = /^B[A-Za-z0-9_-]{86}$/;
const AUTH_SECRET = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Fields of each message type, in wire order (after v and type). */
export const SCHEMAS = Object.freeze({
  presence: [id('deviceId'), choice('state', ['online', 'offline']), time('at')],
  ring: [id('deviceId'), id('ringId'), time('at'), time('expiresAt'), positiveInt('presses')],
  'ring-ended': [id('deviceId'), id('ringId'), time('at'),
    choice('outcome', ['answered', 'declined', 'timed-out']), optionalId('by')],
  'ring-answer': [id('deviceId'), id('ringId'), time('at')],
  'ring-decline': [id('deviceId'), id('ringId'), time('at')],
  offer: [id('deviceId'), id('sessionId'), optionalId('ringId'), sdp('sdp'), time('at'), optionalIceServers('iceServers')],
  answer: [id('deviceId'), id('sessionId'), sdp('sdp'), time('at')],
  candidate: [id('deviceId'), id('sessionId'), line('candidate'), token('sdpMid'), index('sdpMLineIndex'), time('at')],
  hangup: [id('deviceId'), id('sessionId'), choice('reason', ['normal', 'media-failed', 'timeout', 'busy']), time('at')],
  'call-state': [id('deviceId'), id('sessionId'), choice('state', ['connecting', 'connected', 'ended']), time('at')],
  'live-request': [id('deviceId'), id('sessionId'), time('at')],
  'history-request': [id('deviceId'), id('requestId'), time('at')],
  'history-delete': [id('deviceId'), id('requestId'), ids('ringIds'), time('at')],
  history: [id('deviceId'), id('requestId'), visits('visits'), time('at')],
  snapshot: [id('deviceId'), id('ringId'), optionalId('requestId'), time('takenAt'), dimension('width'), dimension('height'),
    jpeg('jpeg'), time('at')],
  'snapshot-request': [id('deviceId'), id('requestId'), id('ringId'), time('at')],
  'door-open': [id('deviceId'), id('requestId'), time('at')],
  'door-status': [id('deviceId'), id('requestId'), choice('state', ['opened', 'refused']),
    optionalChoice('reason', ['no-strike', 'too-soon', 'not-paired']), time('at')],
  'door-openings': [id('deviceId'), id('requestId'), openings('openings'), time('at')],
  capabilities: [id('deviceId'), flag('door'), flag('motion'), replies('replies'), time('at')],
  motion: [id('deviceId'), time('at')],
  'presence-request': [id('deviceId'), time('at')],
  'motion-alerts': [id('deviceId'), flag('enabled'), time('at')],
  'reply-play': [id('deviceId'), id('requestId'), id('replyId'), time('at')],
  'reply-status': [id('deviceId'), id('requestId'), id('replyId'), choice('state', ['playing', 'refused']),
    optionalChoice('reason', ['unknown-reply', 'no-speaker', 'too-soon', 'not-paired']), time('at')],
  'push-key': [id('deviceId'), p256Key('key'), time('at')],
  'push-subscribe': [id('deviceId'), endpoint('endpoint'), p256Key('p256dh'), authSecret('auth'), time('at')],
  'push-unsubscribe': [id('deviceId'), endpoint('endpoint'), time('at')],
  'push-status': [id('deviceId'), endpoint('endpoint'), choice('state', ['subscribed', 'unsubscribed', 'refused']),
    optionalChoice('reason', ['endpoint-not-allowed', 'bad-key', 'push-off', 'not-stored']), time('at')],
});

/**
 * Each type's concern (which part of a client handles it) and senders (who may send it): the
 * vocabulary of the test vectors and of org.openbell.signaling.MessageType, held equal by tests.
 */
export const VOCABULARY = Object.freeze({
  presence: Object.freeze({ concern: 'presence', senders: Object.freeze(['device']) }),
  ring: Object.freeze({ concern: 'ring', senders: Object.freeze(['device']) }),
  'ring-ended': Object.freeze({ concern: 'ring', senders: Object.freeze(['device']) }),
  'ring-answer': Object.freeze({ concern: 'ring', senders: Object.freeze(['owner']) }),
  'ring-decline': Object.freeze({ concern: 'ring', senders: Object.freeze(['owner']) }),
  offer: Object.freeze({ concern: 'call', senders: Object.freeze(['device']) }),
  answer: Object.freeze({ concern: 'call', senders: Object.freeze(['owner']) }),
  candidate: Object.freeze({ concern: 'call', senders: Object.freeze(['device', 'owner']) }),
  hangup: Object.freeze({ concern: 'call', senders: Object.freeze(['device', 'owner']) }),
  'call-state': Object.freeze({ concern: 'call', senders: Object.freeze(['device']) }),
  'live-request': Object.freeze({ concern: 'call', senders: Object.freeze(['owner']) }),
  'push-key': Object.freeze({ concern: 'push', senders: Object.freeze(['device']) }),
  'push-subscribe': Object.freeze({ concern: 'push', senders: Object.freeze(['owner']) }),
  'push-unsubscribe': Object.freeze({ concern: 'push', senders: Object.freeze(['owner']) }),
  'push-status': Object.freeze({ concern: 'push', senders: Object.freeze(['device']) }),
  'history-request': Object.freeze({ concern: 'history', senders: Object.freeze(['owner']) }),
  'history-delete': Object.freeze({ concern: 'history', senders: Object.freeze(['owner']) }),
  history: Object.freeze({ concern: 'history', senders: Object.freeze(['device']) }),
  snapshot: Object.freeze({ concern: 'snapshot', senders: Object.freeze(['device']) }),
  'snapshot-request': Object.freeze({ concern: 'snapshot', senders: Object.freeze(['owner']) }),
  'door-open': Object.freeze({ concern: 'door', senders: Object.freeze(['owner']) }),
  'door-status': Object.freeze({ concern: 'door', senders: Object.freeze(['device']) }),
  'door-openings': Object.freeze({ concern: 'door', senders: Object.freeze(['device']) }),
  capabilities: Object.freeze({ concern: 'capabilities', senders: Object.freeze(['device']) }),
  'reply-play': Object.freeze({ concern: 'reply', senders: Object.freeze(['owner']) }),
  'reply-status': Object.freeze({ concern: 'reply', senders: Object.freeze(['device']) }),
  motion: Object.freeze({ concern: 'motion', senders: Object.freeze(['device']) }),
  'presence-request': Object.freeze({ concern: 'presence', senders: Object.freeze(['owner']) }),
  'motion-alerts': Object.freeze({ concern: 'motion', senders: Object.freeze(['owner']) }),
});

/** Whether a message of `type` may come from `sender` ('device' or 'owner'). */
export function sentBy(type, sender) {
  return Object.hasOwn(VOCABULARY, type) && VOCABULARY[type].senders.includes(sender);
}

function problem(field, value) {
  switch (field.kind) {
    case 'id':
      return isValidId(value) ? null : 'must be an id matching [A-Za-z0-9_-]{1,64}';
    case 'time':
      return Number.isSafeInteger(value) && value >= 0 ? null : 'must be milliseconds since the epoch (an integer >= 0)';
    case 'positive-int':
      return Number.isSafeInteger(value) && value >= 1 && value <= 2147483647 ? null : 'must be an integer >= 1';
    case 'choice':
      return field.choices.includes(value) ? null : `must be one of ${field.choices.join(', ')}`;
    case 'sdp':
      return typeof value === 'string' && value.startsWith('v=0') && value.length <= MAX_SDP_CHARS && !value.includes('\u0000')
        ? null : `must be an SDP text starting with v=0, at most ${MAX_SDP_CHARS} characters`;
    case 'token':
      return typeof value === 'string' && TOKEN.test(value) ? null : 'must be 1-64 printable characters without spaces';
    case 'line':
      return typeof value === 'string' && value.startsWith('candidate:') && value.length <= MAX_CANDIDATE_CHARS && PRINTABLE.test(value)
        ? null : 'must be an ICE candidate line (candidate:...)';
    case 'index':
      return Number.isInteger(value) && value >= 0 && value <= 255 ? null : 'must be an integer from 0 to 255';
    case 'endpoint':
      return typeof value === 'string' && value.length <= MAX_ENDPOINT_CHARS && ENDPOINT.test(value) ? null
        : `must be an https URL (host name, optional port and path, printable, no user info), at most ${MAX_ENDPOINT_CHARS} characters`;
    case 'p256-key':
      return typeof value === 'string' && P256_KEY.test(value) ? null
        : 'must be a P-256 public key: 87 base64url characters (no padding) starting with B';
    case 'auth-secret':
      return typeof value === 'string' && AUTH_SECRET.test(value) ? null : 'must be 16 bytes in base64url: 22 characters, no padding';
    case 'visits':
      return isVisits(value) ? null
        : `must be 0-${MAX_VISITS} objects {ringId, at, presses, outcome, by?} (by exactly when answered or declined)`;
    case 'ids':
      return Array.isArray(value) && value.length >= 1 && value.length <= MAX_VISITS && value.every(isValidId) ? null
        : `must be 1-${MAX_VISITS} ids matching [A-Za-z0-9_-]{1,64}`;
    case 'dimension':
      return Number.isInteger(value) && value >= 1 && value <= MAX_DIMENSION ? null : `must be an integer from 1 to ${MAX_DIMENSION}`;
    case 'jpeg':
      return isJpegBase64(value) ? null
        : `must be a JPEG (FF D8 ... FF D9) of at most ${MAX_JPEG_BYTES} bytes in base64 (RFC 4648, padded)`;
    case 'openings':
      return Array.isArray(value) && value.length <= MAX_OPENINGS && value.every((o) => o !== null && typeof o === 'object'
        && !Array.isArray(o) && Object.keys(o).length === 3 && Number.isSafeInteger(o.at) && o.at >= 0 && isValidId(o.by)
        && ['app', 'home-assistant'].includes(o.via)) ? null
        : `must be 0-${MAX_OPENINGS} objects {at, by, via} (by an id, via app or home-assistant)`;
    case 'flag':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'replies':
      return isReplies(value) ? null
        : `must be 0-${MAX_REPLIES} objects {replyId, label} with different ids (label: 1-${MAX_LABEL} characters, not blank, no control characters)`;
    case 'ice-servers':
      return isIceServers(value) ? null
        : 'must be 1-4 objects {urls: [1-4 stun:/turn:/turns: URLs], username?, credential?} (printable, at most 256 characters)';
    default:
      return 'unknown field kind';
  }
}

/** The largest picture a snapshot carries, and its widest side (docs/protocol.md, "Pictures"). */
export const MAX_JPEG_BYTES = 46080;
const MAX_DIMENSION = 4096;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isJpegBase64(value) {
  if (typeof value !== 'string' || value.length > Math.ceil(MAX_JPEG_BYTES / 3) * 4 || !BASE64.test(value)) {
    return false;
  }
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const length = value.length / 4 * 3 - padding;
  if (length < 4 || length > MAX_JPEG_BYTES) {
    return false;
  }
  const start = atob(value.slice(0, 4));
  const end = atob(value.slice(-8)); // the last two bytes may straddle the last two groups
  return start.charCodeAt(0) === 0xff && start.charCodeAt(1) === 0xd8
    && end.charCodeAt(end.length - 2) === 0xff && end.charCodeAt(end.length - 1) === 0xd9;
}

function isVisits(value) {
  if (!Array.isArray(value) || value.length > MAX_VISITS) {
    return false;
  }
  return value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)
    && Object.keys(v).every((key) => ['ringId', 'at', 'presses', 'outcome', 'by'].includes(key))
    && isValidId(v.ringId) && Number.isSafeInteger(v.at) && v.at >= 0
    && Number.isSafeInteger(v.presses) && v.presses >= 1 && v.presses <= 2147483647
    && ['answered', 'declined', 'timed-out'].includes(v.outcome)
    && (v.by === undefined ? v.outcome === 'timed-out' : isValidId(v.by) && v.outcome !== 'timed-out'));
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether `text` is a quick reply's label: 1-40 characters (code points), not blank, no control characters. */
export function isLabel(text) {
  return typeof text === 'string' && [...text].length >= 1 && [...text].length <= MAX_LABEL && text.trim() !== ''
    && !CONTROL.test(text);
}

function isReplies(value) {
  if (!Array.isArray(value) || value.length > MAX_REPLIES) {
    return false;
  }
  const seen = new Set();
  return value.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && Object.keys(r).length === 2
    && isValidId(r.replyId) && isLabel(r.label) && !seen.has(r.replyId) && seen.add(r.replyId));
}

const ICE_URL = /^(stun|turn|turns):[\x21-\x7e]{1,250}$/;
const ICE_SECRET = /^[\x20-\x7e]{1,256}$/;

function isIceServers(value) {
  if (!Array.isArray(value) || value.length < 1 || value.length > 4) {
    return false;
  }
  return value.every((server) => server !== null && typeof server === 'object' && !Array.isArray(server)
    && Object.keys(server).every((key) => ['urls', 'username', 'credential'].includes(key))
    && Array.isArray(server.urls) && server.urls.length >= 1 && server.urls.length <= 4
    && server.urls.every((url) => typeof url === 'string' && ICE_URL.test(url))
    && (server.username === undefined || (typeof server.username === 'string' && ICE_SECRET.test(server.username)))
    && (server.credential === undefined || (typeof server.credential === 'string' && ICE_SECRET.test(server.credential)
      && server.username !== undefined)));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Decodes a payload (Uint8Array, ArrayBuffer view or string) into a frozen message object, or
 * throws a ProtocolError. Rules are checked in the order of docs/protocol.md.
 */
export function decode(payload) {
  let bytes;
  let text;
  if (typeof payload === 'string') {
    text = payload;
    bytes = encoder.encode(payload);
  } else if (payload instanceof Uint8Array) {
    bytes = payload;
  } else {
    throw new ProtocolError(ErrorCode.MALFORMED, 'payload must be bytes or text');
  }
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw new ProtocolError(ErrorCode.TOO_LARGE, `${bytes.length} bytes, more than ${MAX_PAYLOAD_BYTES}`);
  }
  if (text === undefined) {
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new ProtocolError(ErrorCode.MALFORMED, 'not UTF-8');
    }
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(ErrorCode.MALFORMED, `not JSON: ${e.message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ProtocolError(ErrorCode.MALFORMED, 'the top level must be a JSON object');
  }
  if (!has(json, 'v')) {
    throw new ProtocolError(ErrorCode.MISSING_FIELD, "no protocol version 'v'");
  }
  if (json.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(ErrorCode.UNSUPPORTED_VERSION, `v is ${JSON.stringify(json.v)}, this receiver speaks ${PROTOCOL_VERSION}`);
  }
  if (!has(json, 'type')) {
    throw new ProtocolError(ErrorCode.MISSING_FIELD, "no 'type'");
  }
  const schema = typeof json.type === 'string' && has(SCHEMAS, json.type) ? SCHEMAS[json.type] : null;
  if (!schema) {
    throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, `type ${JSON.stringify(json.type)} is not a v1 message type`);
  }
  const allowed = new Set(['v', 'type', ...schema.map((f) => f.name)]);
  for (const key of Object.keys(json)) {
    if (!allowed.has(key)) {
      throw new ProtocolError(ErrorCode.UNKNOWN_FIELD, `'${key}' is not a field of ${json.type}`);
    }
  }
  for (const field of schema) {
    if (field.required && !has(json, field.name)) {
      throw new ProtocolError(ErrorCode.MISSING_FIELD, `${json.type} needs '${field.name}'`);
    }
  }
  if ((json.type === 'door-status' || json.type === 'reply-status') && json.state === 'refused' && !has(json, 'reason')) {
    throw new ProtocolError(ErrorCode.MISSING_FIELD, `${json.type} refused needs 'reason'`);
  }
  if (json.type === 'push-status' && json.state === 'refused' && !has(json, 'reason')) {
    throw new ProtocolError(ErrorCode.MISSING_FIELD, "push-status refused needs 'reason'");
  }
  if (json.type === 'ring-ended' && !has(json, 'by') && (json.outcome === 'answered' || json.outcome === 'declined')) {
    throw new ProtocolError(ErrorCode.MISSING_FIELD, `ring-ended with outcome ${json.outcome} needs 'by'`);
  }
  for (const field of schema) {
    if (has(json, field.name)) {
      const why = problem(field, json[field.name]);
      if (why) {
        throw new ProtocolError(ErrorCode.INVALID_FIELD, `'${field.name}' ${why}`);
      }
    }
  }
  if (json.type === 'ring' && json.expiresAt < json.at) {
    throw new ProtocolError(ErrorCode.INVALID_FIELD, 'expiresAt must not be before at');
  }
  if (json.type === 'ring-ended' && json.outcome === 'timed-out' && has(json, 'by')) {
    throw new ProtocolError(ErrorCode.INVALID_FIELD, 'by must be absent when the outcome is timed-out');
  }
  if (json.type === 'push-status' && json.state !== 'refused' && has(json, 'reason')) {
    throw new ProtocolError(ErrorCode.INVALID_FIELD, 'reason only when refused');
  }
  if ((json.type === 'door-status' || json.type === 'reply-status') && json.state !== 'refused' && has(json, 'reason')) {
    throw new ProtocolError(ErrorCode.INVALID_FIELD, 'reason only when refused');
  }
  const message = { v: PROTOCOL_VERSION, type: json.type };
  for (const field of schema) {
    if (has(json, field.name)) {
      message[field.name] = json[field.name];
    }
  }
  return Object.freeze(message);
}

/** Encodes a message object as compact JSON text, v and type first, fields in wire order. */
export function encode(message) {
  const schema = SCHEMAS[message.type];
  if (!schema) {
    throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, `cannot encode type ${message.type}`);
  }
  const out = { v: PROTOCOL_VERSION, type: message.type };
  for (const field of schema) {
    if (message[field.name] !== undefined) {
      out[field.name] = message[field.name];
    }
  }
  const text = JSON.stringify(out);
  decode(text); // never send what we would reject
  return text;
}

/** The v1 topic tree under `prefix` (one subtree per doorbell and per owner). */
export function topics(prefix = 'openbell') {
  const root = `${prefix}/v1`;
  return Object.freeze({
    presence: (deviceId) => `${root}/doorbells/${deviceId}/presence`,
    rings: (deviceId) => `${root}/doorbells/${deviceId}/rings`,
    pushKey: (deviceId) => `${root}/doorbells/${deviceId}/push-key`,
    snapshots: (deviceId) => `${root}/doorbells/${deviceId}/snapshots`,
    capabilities: (deviceId) => `${root}/doorbells/${deviceId}/capabilities`,
    motion: (deviceId) => `${root}/doorbells/${deviceId}/motion`,
    ownerToDevice: (ownerId, deviceId) => `${root}/owners/${ownerId}/doorbells/${deviceId}`,
    deviceToOwner: (deviceId, ownerId) => `${root}/doorbells/${deviceId}/owners/${ownerId}`,
  });
}

export const ringAnswer = (deviceId, ringId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'ring-answer', deviceId, ringId, at });

export const ringDecline = (deviceId, ringId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'ring-decline', deviceId, ringId, at });

/** Asks the doorbell for a live view on `sessionId` (chosen here); sent again during it, it renews it. */
export const liveRequest = (deviceId, sessionId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'live-request', deviceId, sessionId, at });

/** Asks the doorbell for its visit history; it answers with a `history` naming `requestId`. */
export const historyRequest = (deviceId, requestId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'history-request', deviceId, requestId, at });

/** Asks the doorbell to open the door (one pulse of its strike); it answers with a `door-status` naming `requestId`. */
export const doorOpen = (deviceId, requestId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'door-open', deviceId, requestId, at });

/** Asks the doorbell for its presence, push key and capabilities on this owner's own topic (a cluster's retained store may be per node). */
export const presenceRequest = (deviceId, at = Date.now()) => Object.freeze({ v: PROTOCOL_VERSION, type: 'presence-request', deviceId, at });

/** Asks the doorbell for a quiet notification on this phone when it sees motion ({@code enabled}), or to stop. */
export const motionAlerts = (deviceId, enabled, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'motion-alerts', deviceId, enabled, at });

/** Asks the doorbell to play quick reply `replyId` on its speaker; it answers with a `reply-status` naming `requestId`. */
export const replyPlay = (deviceId, requestId, replyId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'reply-play', deviceId, requestId, replyId, at });

/** Asks the doorbell for ring `ringId`'s picture; it answers with a `snapshot` naming `requestId`, or nothing if it has none. */
export const snapshotRequest = (deviceId, requestId, ringId, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'snapshot-request', deviceId, requestId, ringId, at });

/** Deletes these rings from the doorbell's visit history; it answers with the `history` left. */
export const historyDelete = (deviceId, requestId, ringIds, at = Date.now()) =>
  Object.freeze({ v: PROTOCOL_VERSION, type: 'history-delete', deviceId, requestId, ringIds: Object.freeze([...ringIds]), at });
