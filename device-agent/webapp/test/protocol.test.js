// The browser app's protocol module against the shared vectors (also decoded by the Java tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decode, encode, topics, ProtocolError, ErrorCode, MAX_PAYLOAD_BYTES, ringAnswer, isValidId, VOCABULARY, SCHEMAS, sentBy,
} from '../src/protocol.js';

const vectors = JSON.parse(readFileSync(new URL('../../../mqtt-signaling/test-vectors/v1.json', import.meta.url), 'utf8'));

test('the vector file has cases of both kinds', () => {
  assert.ok(vectors.valid.length >= 5);
  assert.ok(vectors.invalid.length >= 20);
  assert.equal(vectors.maxPayloadBytes, MAX_PAYLOAD_BYTES);
});

for (const vector of vectors.valid) {
  test(`valid: ${vector.name}`, () => {
    const bytes = new TextEncoder().encode(JSON.stringify(vector.payload));
    const message = decode(bytes);
    assert.deepEqual(JSON.parse(encode(message)), vector.payload);
    assert.deepEqual(decode(encode(message)), message);
  });
}

function payloadOf(vector) {
  if (vector.raw === undefined) {
    return new TextEncoder().encode(JSON.stringify(vector.payload));
  }
  let raw = vector.raw;
  if (vector.padTo) {
    raw += 'x'.repeat(vector.padTo - new TextEncoder().encode(raw).length);
  }
  return new TextEncoder().encode(raw);
}

for (const vector of vectors.invalid) {
  test(`invalid: ${vector.name} -> ${vector.error}`, () => {
    assert.throws(() => decode(payloadOf(vector)), (e) => {
      assert.ok(e instanceof ProtocolError, `${e}`);
      assert.equal(e.code, vector.error, e.message);
      return true;
    });
  });
}

test('bad UTF-8 is malformed', () => {
  assert.throws(() => decode(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), (e) => e.code === ErrorCode.MALFORMED);
});

test('topics follow the spec', () => {
  const t = topics('home/openbell');
  assert.equal(t.presence('front-door'), 'home/openbell/v1/doorbells/front-door/presence');
  assert.equal(t.rings('front-door'), 'home/openbell/v1/doorbells/front-door/rings');
  assert.equal(t.ownerToDevice('alice', 'front-door'), 'home/openbell/v1/owners/alice/doorbells/front-door');
  assert.equal(t.deviceToOwner('front-door', 'alice'), 'home/openbell/v1/doorbells/front-door/owners/alice');
});

test('factories make valid messages and encode refuses invalid ones', () => {
  const answer = ringAnswer('front-door', 'r1', 1234);
  assert.deepEqual(JSON.parse(encode(answer)), { v: 1, type: 'ring-answer', deviceId: 'front-door', ringId: 'r1', at: 1234 });
  assert.throws(() => encode({ type: 'ring-answer', deviceId: 'a/b', ringId: 'r', at: 1 }), ProtocolError);
  assert.ok(isValidId('alice'));
  assert.ok(!isValidId('al ice'));
});

test('the vocabulary is the vectors\' one, type for type', () => {
  assert.deepEqual(Object.keys(VOCABULARY).sort(), Object.keys(SCHEMAS).sort());
  for (const [type, entry] of Object.entries(vectors.vocabulary)) {
    assert.equal(VOCABULARY[type].concern, entry.concern, type);
    assert.deepEqual([...VOCABULARY[type].senders].sort(), [...entry.senders].sort(), type);
  }
  assert.equal(Object.keys(vectors.vocabulary).length, Object.keys(VOCABULARY).length);
  assert.ok(sentBy('ring', 'device') && !sentBy('ring', 'owner') && sentBy('hangup', 'owner') && !sentBy('nope', 'device'));
});
