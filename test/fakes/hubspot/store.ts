/**
 * The state behind the fake HubSpot: contacts (live and archived), property definitions and
 * groups, static lists. Plain data and small operations; the HTTP side is in server.ts.
 */

export interface FakeContact {
  id: string;
  /** Stored as HubSpot returns them: strings; dates as ISO strings. */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archivedAt?: number;
  /**
   * HubSpot does not document the order of records that tie on the sort property; the fake orders
   * them by this scrambled key, so a client cannot lean on ties coming back in id order.
   */
  tieKey: number;
}

export interface FakeProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  options: { label: string; value: string }[];
}

const BUILT_IN: [string, string, string][] = [
  ['email', 'string', 'text'],
  ['firstname', 'string', 'text'],
  ['lastname', 'string', 'text'],
  ['phone', 'string', 'phonenumber'],
  ['lifecyclestage', 'enumeration', 'radio'],
  ['hs_object_id', 'number', 'number'],
  ['lastmodifieddate', 'datetime', 'date'],
  ['createdate', 'datetime', 'date'],
  ['hs_merged_object_ids', 'enumeration', 'checkbox'],
  ['city', 'string', 'text'],
];

function scramble(n: number): number {
  // A fixed integer hash (xorshift-multiply): deterministic, but unrelated to id order.
  let x = n ^ 0x5bd1e995;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
  return (x ^ (x >>> 15)) >>> 0;
}

export class FakeHubspotStore {
  readonly contacts = new Map<string, FakeContact>();
  readonly archived = new Map<string, FakeContact>();
  readonly properties = new Map<string, FakeProperty>();
  readonly groups = new Map<string, { name: string; label: string; displayOrder: number }>();
  readonly lists = new Map<string, Set<string>>();
  private nextId = 1001;
  /**
   * Live contacts by email, kept by every write here: HubSpot finds a contact by email at once, and
   * a scan per upserted record made the fake, not the client, the bottleneck of large syncs (each
   * call slower than the last as the store grew).
   */
  private readonly byEmail = new Map<string, string>();
  /** The fake's clock (ms); writes through the API stamp contacts with it. Tests move it. */
  nowMs = Date.parse('2024-03-01T00:00:00.000Z');

  constructor() {
    this.groups.set('contactinformation', {
      name: 'contactinformation',
      label: 'Contact information',
      displayOrder: 0,
    });
    for (const [name, type, fieldType] of BUILT_IN) {
      this.properties.set(name, {
        name,
        label: name,
        type,
        fieldType,
        groupName: 'contactinformation',
        options: [],
      });
    }
  }

  /** Adds a contact as if HubSpot had written it at `atMs` (default: the clock). */
  addContact(properties: Record<string, string>, atMs = this.nowMs): FakeContact {
    const id = String(this.nextId++);
    const contact: FakeContact = {
      id,
      properties: {},
      createdAt: atMs,
      updatedAt: atMs,
      tieKey: scramble(Number(id)),
    };
    this.contacts.set(id, contact);
    this.write(contact, { ...properties, createdate: new Date(atMs).toISOString() }, atMs);
    return contact;
  }

  write(contact: FakeContact, properties: Record<string, string>, atMs = this.nowMs): void {
    const emailBefore = contact.properties.email;
    for (const [key, value] of Object.entries(properties)) {
      if (value === '') delete contact.properties[key];
      else contact.properties[key] = key === 'email' ? value.toLowerCase() : value;
    }
    const email = contact.properties.email;
    if (emailBefore !== email && emailBefore !== undefined && this.byEmail.get(emailBefore) === contact.id)
      this.byEmail.delete(emailBefore);
    if (email !== undefined) this.byEmail.set(email, contact.id);
    contact.updatedAt = atMs;
    contact.properties.hs_object_id = contact.id;
    contact.properties.lastmodifieddate = new Date(atMs).toISOString();
  }

  findByEmail(email: string): FakeContact | undefined {
    const wanted = email.toLowerCase();
    const id = this.byEmail.get(wanted);
    const contact = id === undefined ? undefined : this.contacts.get(id);
    return contact?.properties.email === wanted ? contact : undefined;
  }

  /** Deletes a live contact for good (GDPR delete): no archive. */
  remove(id: string): boolean {
    const contact = this.contacts.get(id);
    if (!contact) return false;
    this.contacts.delete(id);
    this.forgetEmail(contact);
    return true;
  }

  private forgetEmail(contact: FakeContact): void {
    const email = contact.properties.email;
    if (email !== undefined && this.byEmail.get(email) === contact.id) this.byEmail.delete(email);
  }

  archive(id: string, atMs = this.nowMs): boolean {
    const contact = this.contacts.get(id);
    if (!contact) return false;
    this.contacts.delete(id);
    this.forgetEmail(contact);
    contact.archivedAt = atMs;
    this.archived.set(id, contact);
    return true;
  }

  /** What HubSpot does on a merge: the secondary disappears, the primary records its id. */
  merge(primaryId: string, secondaryId: string, atMs = this.nowMs): void {
    const primary = this.contacts.get(primaryId);
    const secondary = this.contacts.get(secondaryId);
    if (!primary || !secondary || !this.contacts.delete(secondaryId))
      throw new Error('merge: unknown contact');
    this.forgetEmail(secondary);
    const merged = (primary.properties.hs_merged_object_ids ?? '').split(';').filter(Boolean);
    this.write(primary, { hs_merged_object_ids: [...merged, secondaryId].join(';') }, atMs);
  }
}
