import { seededRandom } from '../../../../src/identity/probabilistic/index.js';

/**
 * Seeded synthetic CRM-style profiles with planted duplicates, for tests that need a truth:
 * columns as an ESP integration sends them (first_name, last_name, email, phone, birthday, city,
 * zip), so the tests also exercise the default settings' column mapping.
 */

export interface SyntheticPerson {
  id: string;
  /** Same entity, same key. */
  entity: string;
  record: Record<string, string>;
}

export interface SyntheticOptions {
  people: number;
  duplicates: number;
  seed: number;
  /** Probability that a duplicate keeps a field unchanged (else: typo 60 %, blank 40 %). */
  keep?: number;
}

const SYLLABLES = [
  'an',
  'bel',
  'car',
  'da',
  'el',
  'fio',
  'gra',
  'hal',
  'is',
  'jo',
  'ka',
  'lin',
  'mar',
  'na',
  'or',
  'pe',
  'qui',
  'ro',
  'sa',
  'tor',
  'ul',
  'vi',
  'wen',
  'xa',
  'yo',
  'zel',
];
const DOMAINS = ['mail.example', 'post.example', 'inbox.example', 'corp.example'];

/** Skewed pick (index ~ r²): some values common, most rare, as with real names. */
function skewed<T>(items: readonly T[], random: () => number): T {
  const r = random();
  return items[Math.floor(r * r * items.length)]!;
}

function word(random: () => number, syllables: number): string {
  let out = '';
  for (let s = 0; s < syllables; s++) out += skewed(SYLLABLES, random);
  return out;
}

function typo(value: string, random: () => number): string {
  if (value.length < 3) return `${value}x`;
  const at = 1 + Math.floor(random() * (value.length - 2));
  const kind = Math.floor(random() * 3);
  if (kind === 0) return value.slice(0, at) + value.slice(at + 1);
  if (kind === 1) return value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2);
  const replacement = /\d/.test(value[at]!) ? String((Number(value[at]) + 1) % 10) : 'q';
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

export function syntheticPeople(options: SyntheticOptions): SyntheticPerson[] {
  const random = seededRandom(options.seed);
  const keep = options.keep ?? 0.8;
  const cities = Array.from({ length: 40 }, () => word(random, 3));
  const out: SyntheticPerson[] = [];
  for (let p = 0; p < options.people; p++) {
    const first = word(random, 2);
    const last = word(random, 3);
    const year = 1940 + Math.floor(random() * 60);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const record = {
      first_name: first,
      last_name: last,
      email: `${first}.${last}${Math.floor(random() * 100)}@${DOMAINS[Math.floor(random() * DOMAINS.length)]}`,
      phone: String(2_000_000_000 + Math.floor(random() * 7_000_000_000)),
      birthday: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      city: skewed(cities, random),
      zip: String(10_000 + Math.floor(random() * 89_999)),
    };
    out.push({ id: `p${p}-0`, entity: `p${p}`, record });
  }
  for (let d = 0; d < options.duplicates; d++) {
    const original = out[d % options.people]!;
    const record: Record<string, string> = {};
    for (const [column, value] of Object.entries(original.record)) {
      const roll = random();
      if (roll < keep) record[column] = value;
      else if (roll < keep + (1 - keep) * 0.6) record[column] = typo(value, random);
      else record[column] = '';
    }
    out.push({ id: `${original.entity}-${d + 1}`, entity: original.entity, record });
  }
  return out;
}
