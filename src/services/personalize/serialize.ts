import type { BuiltAnswer } from './answer.js';
import { fnv1a, mixHash } from './hash.js';
import { utmQuery, withUtm } from './items.js';

/**
 * The answer as JSON, assembled from the products' JSON pieces (items.ts) instead of building an
 * object per item and stringifying it: this runs on every send. The output is exactly
 * `JSON.stringify(answerObject(built))` (a unit test holds it to that). `hash` covers everything
 * the body is made of (the products by their pieces' hashes), so it changes whenever the body
 * does, for the ETag, without hashing 2 KB per request.
 */
export function serializeAnswer(built: BuiltAnswer): { body: string; hash: number } {
  const profile = JSON.stringify(built.profile);
  let hash = fnv1a(profile);
  let out = `{"profile":${profile},"slots":{`;
  built.slots.forEach((slot, s) => {
    const utm = utmQuery(built.utm, built.campaign, slot.slot);
    const meta = `],"fallback":${slot.fallback},"level":"${slot.level}","confidence":${slot.confidence}}`;
    hash = fnv1a(`${slot.slot}\u0000${utm}\u0000${meta}`, hash);
    out += `${s === 0 ? '' : ','}"${slot.slot}":{"items":[`;
    slot.products.forEach((product, i) => {
      const { json } = product;
      hash = mixHash(hash, json.hash);
      let url: string;
      if (json.urlBase === null) url = 'null';
      else if (json.hasUtm) {
        url = JSON.stringify(withUtm(product.url!, built.utm, built.campaign, slot.slot));
        hash = fnv1a(url, hash);
      } else url = `"${json.urlBase}${utm}${json.urlHash}"`;
      out += (i === 0 ? '' : ',') + json.head + url + json.tail;
    });
    out += meta;
  });
  const end = `},"fallback":${built.fallback},"reason":${JSON.stringify(built.reason)},"sendId":${JSON.stringify(built.sendId)}}`;
  return { body: out + end, hash: fnv1a(end, hash) };
}
