import { isAnniversary, nextAnniversaryStart } from './calendar.js';
import { type CompileContext, type CompiledNode, leaf } from './compiled-node.js';
import { monthDayOf, parseInstant } from './dates.js';
import { DAY_MS } from './limits.js';
import type { TraitNode } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';
import { compileComparison, showActual } from './values.js';

/** Reads a trait: the exact key first (`utm.source` may be a flat key), then a dotted path. */
export function traitReader(name: string): (traits: Readonly<Record<string, unknown>>) => unknown {
  const parts = name.includes('.') ? name.split('.') : undefined;
  if (!parts) return (traits) => traits[name];
  return (traits) => {
    const direct = traits[name];
    if (direct !== undefined) return direct;
    let current: unknown = traits;
    for (const part of parts) {
      if (typeof current !== 'object' || current === null) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

export function compileTrait(node: TraitNode, path: string, context: CompileContext): CompiledNode {
  const read = traitReader(node.trait);
  const label = node.trait;
  const readValue = (snapshot: ProfileSnapshot) => read(snapshot.traits);

  switch (node.op) {
    case 'within_last_days':
    case 'more_than_days_ago': {
      const windowMs = node.value * DAY_MS;
      const within = node.op === 'within_last_days';
      // Rolling windows of 24 h days: within = (now - N days, now]; more than N days ago = the
      // instant at or before now - N days (so the two never hold together and flip at the same time).
      const holds = (at: number, now: number) =>
        within ? at > now - windowMs && at <= now : at <= now - windowMs;
      return leaf('trait', path, {
        test: (snapshot, now) => {
          const at = parseInstant(readValue(snapshot));
          return at !== undefined && holds(at, now);
        },
        detail: (snapshot, now) => {
          const actual = readValue(snapshot);
          const at = parseInstant(actual);
          const age = at === undefined ? 'not a date' : `${((now - at) / DAY_MS).toFixed(1)} days ago`;
          const wanted = within ? `within the last ${node.value} days` : `more than ${node.value} days ago`;
          return `${label} = ${showActual(actual)} (${age}); wanted ${wanted}`;
        },
        nextChange: (snapshot, now) => {
          const at = parseInstant(readValue(snapshot));
          if (at === undefined) return null;
          if (within && at > now) return at;
          return at + windowMs > now ? at + windowMs : null;
        },
      });
    }
    case 'anniversary_today':
    case 'birthday_today': {
      const { calendar } = context;
      return leaf('trait', path, {
        test: (snapshot, now) => {
          const monthDay = monthDayOf(readValue(snapshot));
          return monthDay !== undefined && isAnniversary(monthDay, calendar.today(now));
        },
        detail: (snapshot, now) => {
          const actual = readValue(snapshot);
          const today = calendar.today(now);
          const date = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
          const note = monthDayOf(actual) === undefined ? ' (not a date)' : '';
          return `${label} = ${showActual(actual)}${note}; today is ${date} (${calendar.timeZone})`;
        },
        nextChange: (snapshot, now) => {
          const monthDay = monthDayOf(readValue(snapshot));
          if (monthDay === undefined) return null;
          const today = calendar.today(now);
          return isAnniversary(monthDay, today) ? today.end : nextAnniversaryStart(monthDay, today, calendar);
        },
      });
    }
    default: {
      const comparison = compileComparison(node);
      return leaf('trait', path, {
        test: (snapshot) => comparison.test(readValue(snapshot)),
        detail: (snapshot) => `${label} = ${showActual(readValue(snapshot))} ${comparison.text}`,
      });
    }
  }
}
