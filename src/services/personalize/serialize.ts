import { WeakKeyedMemo } from '../../lib/maps.js';
import type { BuiltAnswer } from './answer.js';
import { bodyHash, fnv1a, mixHash } from './hash.js';
import { utmQuery, withUtm } from './items.js';
import type { SlotName, WebhookSettings } from './settings.js';

interface SlotUtm {
  text: string;
  hash: number;
}

/**
 * The UTM query of each campaign and slot, with its hash, per UTM settings object (settings read
 * anew make a new one): every recipient of one send repeats them.
 */
const utmBySettings = new WeakKeyedMemo<WebhookSettings['utm'], SlotUtm>(1_000);

function slotUtm(utm: WebhookSettings['utm'], campaign: string, slot: SlotName): SlotUtm {
  return utmBySettings.get(utm, `${slot}\u0000${campaign}`, () => {
    const text = utmQuery(utm, campaign, slot);
    return { text, hash: fnv1a(`${slot}\u0000${text}`) };
  });
}

/**
 * The answer as JSON, assembled from the products' JSON pieces (items.ts) instead of building an
 * object per item and stringifying it: this runs on every send. The output is exactly
 * `JSON.stringify(answerObject(built))` (a unit test holds it to that). `hash` covers everything
 * the body is made of (the products by their pieces' hashes), so it changes whenever the body
 * does, for the ETag, without hashing 2 KB per request.
 */
export function serializeAnswer(built: BuiltAnswer): { body: string; hash: number } {
  const profile = JSON.stringify(built.profile);
  let hash = bodyHash(profile);
  let out = `{"profile":${profile},"slots":{`;
  built.slots.forEach((slot, s) => {
    const { text: utm, hash: utmHash } = slotUtm(built.utm, built.campaign, slot.slot);
    const meta = `],"fallback":${slot.fallback},"level":"${slot.level}","confidence":${slot.confidence}}`;
    hash = fnv1a(meta, mixHash(hash, utmHash));
    out += `${s === 0 ? '' : ','}"${slot.slot}":{"items":[`;
    slot.products.forEach((product, i) => {
      const { json } = product;
      hash = mixHash(hash, json.hash);
      if (i > 0) out += ',';
      if (json.takesUtm) out += json.prefix + utm + json.suffix;
      else if (!json.hasUtm) out += json.prefix;
      else {
        const url = JSON.stringify(withUtm(product.url!, built.utm, built.campaign, slot.slot));
        hash = fnv1a(url, hash);
        out += json.head + url + json.tail;
      }
    });
    out += meta;
  });
  const end = `},"fallback":${built.fallback},"reason":${JSON.stringify(built.reason)},"sendId":${JSON.stringify(built.sendId)}}`;
  return { body: out + end, hash: fnv1a(end, hash) };
}
