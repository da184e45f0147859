import { ByteChunks, encodedIn } from '../../lib/byte-chunks.js';
import { getOrInsert, WeakKeyedMemo } from '../../lib/maps.js';
import type { BuiltAnswer } from './answer.js';
import { bytesHash, fnv1a, mixHash, mixNumber } from './hash.js';
import { utmQuery, withUtm } from './items.js';
import { jsonString, profileJson } from './profile-json.js';
import type { SlotName, WebhookSettings } from './settings.js';

interface SlotUtm {
  bytes: Uint8Array;
  hash: number;
}

/** Byte pieces kept across sends (UTM queries, slot openings); answers get chunks of their own. */
const keptChunks = new ByteChunks();
const answerChunks = new ByteChunks();

/**
 * The UTM query of each campaign and slot, with its hash, per UTM settings object (settings read
 * anew make a new one): every recipient of one send repeats them.
 */
const utmBySettings = new WeakKeyedMemo<WebhookSettings['utm'], SlotUtm>(1_000);

function slotUtm(utm: WebhookSettings['utm'], campaign: string, slot: SlotName): SlotUtm {
  return utmBySettings.get(utm, `${slot}\u0000${campaign}`, () => {
    const text = utmQuery(utm, campaign, slot);
    return { bytes: encodedIn(keptChunks, text), hash: fnv1a(`${slot}\u0000${text}`) };
  });
}

/** `"<slot>":{"items":[`, per slot name. */
const slotOpenings = new Map<SlotName, Uint8Array>();

function slotOpening(slot: SlotName): Uint8Array {
  return getOrInsert(slotOpenings, slot, () => encodedIn(keptChunks, `"${slot}":{"items":[`));
}

const COMMA = 0x2c;
/** Small codes that stand for values in the hash (the values, not their text, are mixed in). */
const LEVEL_CODES = { personal: 1, segment: 2, global: 3 } as const;
const REASON_CODES = { unknown_profile: 1, timeout: 2, error: 3 } as const;
/** Remembered texts, per hash code below; a full map starts over (they are cheap to remake). */
const MEMO_LIMIT = 10_000;
/** `],"fallback":…,"level":…,"confidence":…}` closing a slot, per fallback and level, by confidence. */
const slotClosings = Array.from({ length: 8 }, () => new Map<number, Uint8Array>());
/** `},"fallback":…,"reason":…,"sendId":…}` ending an answer, per fallback and reason, by send id. */
const answerEnds = Array.from({ length: 8 }, () => new Map<string | null, Uint8Array>());

function remembered<K>(memo: Map<K, Uint8Array>, key: K, text: () => string): Uint8Array {
  return getOrInsert(memo, key, () => encodedIn(keptChunks, text()), MEMO_LIMIT);
}

const PROFILE_OPENING = new TextEncoder().encode('{"profile":');
const SLOTS_OPENING = new TextEncoder().encode(',"slots":{');

/**
 * The answer as UTF-8 JSON, assembled from the products' encoded JSON pieces (items.ts) instead of
 * building an object per item and stringifying it: this runs on every send. Bytes rather than a
 * string because a string built of pieces is a tree that the server then walks twice (its UTF-8
 * length, then its bytes) before it copies it out; bytes go out as they are. The output is exactly
 * `JSON.stringify(answerObject(built))` in UTF-8 (a unit test holds it to that). `hash` covers
 * everything the body is made of (the products by their pieces' hashes, the slots' figures by
 * value), so it changes whenever the body does, for the ETag, without hashing 2 KB per request.
 */
export function serializeAnswer(built: BuiltAnswer): { body: Uint8Array<ArrayBuffer>; hash: number } {
  const out = answerChunks;
  out.begin();
  out.bytes(PROFILE_OPENING);
  const profileBytes = out.text(profileJson(built.profile));
  let hash = 0x811c9dc5;
  out.bytes(SLOTS_OPENING);
  for (let s = 0; s < built.slots.length; s++) {
    const slot = built.slots[s]!;
    const utm = slotUtm(built.utm, built.campaign, slot.slot);
    const code = (slot.fallback ? 4 : 0) | LEVEL_CODES[slot.level];
    // What makes the slot's closing, rather than its text: hashing a string costs a step per character.
    hash = mixHash(hash, utm.hash);
    hash = mixHash(hash, code);
    hash = mixNumber(hash, slot.confidence);
    if (s > 0) out.byte(COMMA);
    out.bytes(slotOpening(slot.slot));
    for (let i = 0; i < slot.products.length; i++) {
      const product = slot.products[i]!;
      const { json } = product;
      hash = mixHash(hash, json.hash);
      if (i > 0) out.byte(COMMA);
      if (json.takesUtm) {
        out.bytes(json.prefix);
        out.bytes(utm.bytes);
        out.bytes(json.suffix);
      } else if (!json.hasUtm) {
        out.bytes(json.prefix);
      } else {
        const url = JSON.stringify(withUtm(product.url!, built.utm, built.campaign, slot.slot));
        hash = fnv1a(url, hash);
        out.text(json.head + url + json.tail);
      }
    }
    out.bytes(
      remembered(
        slotClosings[code]!,
        slot.confidence,
        () => `],"fallback":${slot.fallback},"level":"${slot.level}","confidence":${slot.confidence}}`,
      ),
    );
  }
  const { reason, sendId } = built;
  const code = (built.fallback ? 4 : 0) | (reason === null ? 0 : REASON_CODES[reason]);
  out.bytes(
    remembered(answerEnds[code]!, sendId, () => {
      const reasonJson = reason === null ? 'null' : `"${reason}"`;
      const sendIdJson = sendId === null ? 'null' : jsonString(sendId);
      return `},"fallback":${built.fallback},"reason":${reasonJson},"sendId":${sendIdJson}}`;
    }),
  );
  hash = mixHash(hash, code);
  hash = sendId === null ? mixHash(hash, 0) : fnv1a(sendId, mixHash(hash, 1));
  const body = out.end();
  // The profile's merge fields, hashed as the bytes they became.
  const profileAt = PROFILE_OPENING.length;
  return { body, hash: mixHash(hash, bytesHash(body, profileAt, profileAt + profileBytes)) };
}
