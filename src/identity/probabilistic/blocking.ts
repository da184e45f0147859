import { soundex } from '../strings/index.js';
import { PairBuffer } from './pair-buffer.js';
import type { PreparedRecords } from './prepare.js';
import type { BlockingKey, BlockingRule } from './settings.js';

/**
 * Blocking: only records sharing every key of at least one rule are compared. The rules are a
 * union, so each catches the true pairs the others miss (a typo in the surname does not hide a
 * pair that also agrees on date of birth), and a pair caught by several rules is compared once.
 */

export interface CandidatePairs {
  /** Record indexes (into PreparedRecords); in a link, `left` < leftSize ≤ `right`. */
  left: Int32Array;
  right: Int32Array;
  count: number;
  /** New pairs each rule added (pairs an earlier rule already produced are not counted again). */
  perRule: number[];
  /** Blocks over `maxBlockSize` records that were skipped. */
  skippedBlocks: number;
}

const KEY_SEPARATOR = '\u001f';

function keyPart(prepared: PreparedRecords, key: BlockingKey, record: number): string | null {
  const field = prepared.fields[prepared.fieldIndex.get(key.field)!];
  if (!field) return null;
  const value = field.values[record];
  if (value === null || value === undefined) return null;
  switch (key.transform) {
    case 'value':
      return value;
    case 'prefix':
      return value.slice(0, key.length ?? 3);
    case 'suffix':
      return value.slice(-(key.length ?? 3));
    case 'soundex':
      return soundex(value) || null;
    case 'year': {
      const ymd = field.ymd[record]!;
      return ymd < 0 ? null : String(Math.floor(ymd / 10_000));
    }
    case 'monthDay': {
      const ymd = field.ymd[record]!;
      return ymd < 0 ? null : String(ymd % 10_000);
    }
  }
}

/** Blocking key of every record for one rule, interned to small integers (−1: a key part is missing). */
export function blockingKeyIds(prepared: PreparedRecords, rule: BlockingRule): Int32Array {
  const ids = new Int32Array(prepared.size).fill(-1);
  const intern = new Map<string, number>();
  for (let i = 0; i < prepared.size; i++) {
    let key = '';
    let complete = true;
    for (let k = 0; k < rule.keys.length; k++) {
      const part = keyPart(prepared, rule.keys[k]!, i);
      if (part === null) {
        complete = false;
        break;
      }
      key = k === 0 ? part : key + KEY_SEPARATOR + part;
    }
    if (!complete) continue;
    let id = intern.get(key);
    if (id === undefined) {
      id = intern.size;
      intern.set(key, id);
    }
    ids[i] = id;
  }
  return ids;
}

export function generateCandidatePairs(
  prepared: PreparedRecords,
  rules: readonly BlockingRule[],
  maxBlockSize = Number.POSITIVE_INFINITY,
): CandidatePairs {
  const keyIds = rules.map((rule) => blockingKeyIds(prepared, rule));
  const pairs = new PairBuffer(Math.max(1024, prepared.size * 4));
  const perRule: number[] = [];
  // Key ids of the blocks skipped per rule: their pairs were never emitted, so they do not count as seen.
  const skipped: Set<number>[] = [];
  const link = prepared.mode === 'link';

  for (let r = 0; r < rules.length; r++) {
    const ids = keyIds[r]!;
    const blocks = new Map<number, number[]>();
    for (let i = 0; i < prepared.size; i++) {
      const id = ids[i]!;
      if (id < 0) continue;
      const block = blocks.get(id);
      if (block) block.push(i);
      else blocks.set(id, [i]);
    }
    // A pair an earlier rule also blocks together was emitted by that rule: checking the earlier
    // rules' keys deduplicates the union without a set of every pair.
    const seenBefore = (i: number, j: number): boolean => {
      for (let e = 0; e < r; e++) {
        const earlier = keyIds[e]!;
        const id = earlier[i]!;
        if (id >= 0 && id === earlier[j] && !skipped[e]!.has(id)) return true;
      }
      return false;
    };
    const before = pairs.count;
    const skippedHere = new Set<number>();
    skipped.push(skippedHere);
    for (const [id, block] of blocks) {
      if (block.length < 2) continue;
      if (block.length > maxBlockSize) {
        skippedHere.add(id);
        continue;
      }
      // Records were pushed in index order, so in a link the left side is a prefix of the block.
      for (let x = 0; x < block.length; x++) {
        const i = block[x]!;
        if (link && i >= prepared.leftSize) break;
        for (let y = x + 1; y < block.length; y++) {
          const j = block[y]!;
          if (link && j < prepared.leftSize) continue;
          if (!seenBefore(i, j)) pairs.push(i, j);
        }
      }
    }
    perRule.push(pairs.count - before);
  }
  const { left, right } = pairs.toArrays();
  const skippedBlocks = skipped.reduce((sum, set) => sum + set.size, 0);
  return { left, right, count: pairs.count, perRule, skippedBlocks };
}

/**
 * Every complete blocking key of one record, as `rule index` + separator + key: what an index of
 * stored profiles is searched by, so a new record is compared with the profiles it shares a block
 * with instead of all of them.
 */
export function recordBlockingKeys(
  prepared: PreparedRecords,
  rules: readonly BlockingRule[],
  record: number,
): string[] {
  const keys: string[] = [];
  rules.forEach((rule, ruleIndex) => {
    let key = String(ruleIndex);
    for (const part of rule.keys) {
      const value = keyPart(prepared, part, record);
      if (value === null) return;
      key += KEY_SEPARATOR + value;
    }
    keys.push(key);
  });
  return keys;
}
