import type {
  ConnectorContext,
  EnsuredField,
  FieldProvisioningPlan,
  FieldSpec,
} from '../../src/connector-kit/index.js';
import {
  createMailchimpClient,
  type MailchimpClient,
  mergeFieldResponse,
  mergeFieldsResponse,
} from './client.js';
import type { MailchimpConfig } from './config.js';
import { mergeFieldType } from './mapper.js';
import { chooseTag, type ExistingMergeField } from './tags.js';

/** Mailchimp's largest page of merge fields; an audience has far fewer. */
const PAGE_SIZE = 1000;
/** Mailchimp's limit on a merge field's display name. */
const MAX_NAME_LENGTH = 50;

async function existingMergeFields(client: MailchimpClient): Promise<Map<string, ExistingMergeField>> {
  const fields = new Map<string, ExistingMergeField>();
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await client.call('GET', `${client.listPath}/merge-fields`, mergeFieldsResponse, {
      query: { count: String(PAGE_SIZE), offset: String(offset) },
    });
    for (const field of page.merge_fields) fields.set(field.tag, { tag: field.tag, name: field.name });
    if (page.merge_fields.length < PAGE_SIZE || offset + PAGE_SIZE >= page.total_items) return fields;
  }
}

/** The display name we give a field, and match it by on later runs. */
function mergeFieldName(spec: FieldSpec): string {
  return (spec.label.trim() || spec.key).slice(0, MAX_NAME_LENGTH);
}

/**
 * Finds or creates a merge field per spec, in spec order. Tags are generated from the keys
 * (see `chooseTag`): stable across runs, unique within the audience. A spec repeated in one call
 * gets the same field.
 */
export async function ensureMergeFields(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  specs: FieldSpec[],
): Promise<EnsuredField[]> {
  const client = createMailchimpClient(ctx, config);
  const existing = await existingMergeFields(client);
  const claimed = new Map<string, string>();
  const ensured: EnsuredField[] = [];
  for (const spec of specs) {
    const already = claimed.get(spec.key);
    if (already !== undefined) {
      ensured.push({ ...spec, destinationKey: already, created: false });
      continue;
    }
    const name = mergeFieldName(spec);
    const choice = chooseTag(spec.key, name, existing, new Set(claimed.values()));
    claimed.set(spec.key, choice.tag);
    if (choice.existing) {
      ensured.push({ ...spec, destinationKey: choice.tag, created: false });
      continue;
    }
    await client.call('POST', `${client.listPath}/merge-fields`, mergeFieldResponse, {
      body: { tag: choice.tag, name, type: mergeFieldType(spec.type), required: false, public: false },
    });
    // The label as sent, so a later run matches this field by name.
    existing.set(choice.tag, { tag: choice.tag, name });
    ensured.push({ ...spec, destinationKey: choice.tag, created: true });
  }
  return ensured;
}

/** What `ensureMergeFields` would do: the same tag choices, nothing created. */
export async function planMergeFields(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  specs: FieldSpec[],
): Promise<FieldProvisioningPlan> {
  const existing = await existingMergeFields(createMailchimpClient(ctx, config));
  const claimed = new Map<string, string>();
  const fields = specs.map((spec) => {
    const already = claimed.get(spec.key);
    if (already !== undefined) return { key: spec.key, destinationKey: already, action: 'exists' as const };
    const choice = chooseTag(spec.key, mergeFieldName(spec), existing, new Set(claimed.values()));
    claimed.set(spec.key, choice.tag);
    return {
      key: spec.key,
      destinationKey: choice.tag,
      action: choice.existing ? ('exists' as const) : ('create' as const),
    };
  });
  return { fields };
}
