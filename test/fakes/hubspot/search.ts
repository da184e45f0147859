import type { FakeContact } from './store.js';

/** The fake's reading of HubSpot's CRM search: filter groups (OR of ANDs), one sort, offset paging. */

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
}

const DATE_PROPERTIES = new Set(['lastmodifieddate', 'createdate']);

function comparable(name: string, raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  if (DATE_PROPERTIES.has(name)) return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (name === 'hs_object_id') return Number(raw);
  return raw.toLowerCase();
}

function matches(contact: FakeContact, filter: SearchFilter): boolean {
  const left = comparable(filter.propertyName, contact.properties[filter.propertyName]);
  const right = comparable(filter.propertyName, filter.value);
  if (filter.operator === 'HAS_PROPERTY') return left !== undefined;
  if (filter.operator === 'NOT_HAS_PROPERTY') return left === undefined;
  if (left === undefined || right === undefined) return false;
  switch (filter.operator) {
    case 'EQ':
      return left === right;
    case 'NEQ':
      return left !== right;
    case 'GT':
      return left > right;
    case 'GTE':
      return left >= right;
    case 'LT':
      return left < right;
    case 'LTE':
      return left <= right;
    default:
      throw new Error(`operator ${filter.operator} is not supported by the fake`);
  }
}

export function filterContacts(
  contacts: Iterable<FakeContact>,
  filterGroups: { filters: SearchFilter[] }[],
): FakeContact[] {
  const all = [...contacts];
  if (filterGroups.length === 0) return all;
  return all.filter((c) => filterGroups.some((group) => group.filters.every((f) => matches(c, f))));
}

/** `sorts` entries may be `{propertyName, direction}` or a bare name ("-name" for descending). */
export function sortContacts(contacts: FakeContact[], sorts: unknown[]): FakeContact[] {
  const first = sorts[0];
  let name = 'hs_object_id';
  let descending = false;
  if (typeof first === 'string') {
    descending = first.startsWith('-');
    name = first.replace(/^-/, '');
  } else if (first && typeof first === 'object') {
    const sort = first as { propertyName?: string; direction?: string };
    name = sort.propertyName ?? name;
    descending = sort.direction === 'DESCENDING';
  }
  const sign = descending ? -1 : 1;
  return contacts.sort((a, b) => {
    const x = comparable(name, a.properties[name]) ?? '';
    const y = comparable(name, b.properties[name]) ?? '';
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.tieKey - b.tieKey;
  });
}
