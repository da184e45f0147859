import {
  type ConnectorContext,
  ConnectorError,
  type EnsuredField,
  type FieldProvisioningPlan,
  type FieldSpec,
  isConnectorError,
} from '../../src/connector-kit/index.js';
import { createSendgridClient, type SendgridClient } from './client.js';
import type { SendgridConfig } from './config.js';
import { type FieldDefinition, type FieldPlan, planFields, type SendgridFieldType } from './mapper.js';
import { createdFieldResponse, fieldDefinitionsResponse } from './responses.js';

export interface AccountFields {
  custom: FieldDefinition[];
  reservedNames: string[];
}

export async function fetchFieldDefinitions(client: SendgridClient): Promise<AccountFields> {
  const body = await client.call(fieldDefinitionsResponse, {
    method: 'GET',
    url: '/v3/marketing/field_definitions',
  });
  return {
    custom: body.custom_fields.map(({ id, name, field_type }) => ({ id, name, field_type })),
    reservedNames: body.reserved_fields.map((f) => f.name),
  };
}

/** The provisioning plan (existing, to create, conflicts, budget) without changing anything. */
export async function sendgridFieldPlan(
  ctx: ConnectorContext,
  config: SendgridConfig,
  specs: FieldSpec[],
): Promise<FieldPlan> {
  const account = await fetchFieldDefinitions(createSendgridClient(ctx, config));
  return planFields(account.custom, account.reservedNames, specs);
}

/**
 * Creates the custom fields the specs need. All-or-nothing on the checks: a type conflict or a
 * plan past the 500-field budget fails before anything is created, since a half-provisioned
 * mapping would fail every later upsert anyway.
 */
export async function ensureSendgridFields(
  ctx: ConnectorContext,
  config: SendgridConfig,
  specs: FieldSpec[],
): Promise<EnsuredField[]> {
  const client = createSendgridClient(ctx, config);
  const account = await fetchFieldDefinitions(client);
  const plan = planFields(account.custom, account.reservedNames, specs);

  const conflicts = plan.fields.filter((f) => f.action.kind === 'conflict');
  if (conflicts.length > 0) {
    const reasons = conflicts.map((f) => (f.action.kind === 'conflict' ? f.action.reason : '')).join('; ');
    throw new ConnectorError('invalid_config', `cannot map these fields to SendGrid: ${reasons}`, {
      field: conflicts[0]!.spec.key,
    });
  }
  const { budget } = plan;
  if (budget.afterPlan > budget.limit) {
    throw new ConnectorError(
      'invalid_config',
      `SendGrid allows ${budget.limit} custom fields; the account has ${budget.used} and this mapping needs ` +
        `${budget.afterPlan - budget.used} more. Delete unused custom fields or map fewer fields.`,
    );
  }

  const created = new Set<string>();
  for (const field of plan.fields) {
    if (field.action.kind !== 'create') continue;
    const lower = field.destinationKey.toLowerCase();
    if (created.has(lower)) continue;
    await createField(client, field.destinationKey, field.action.fieldType);
    created.add(lower);
  }
  return plan.fields.map((field) => ({
    ...field.spec,
    // The name we asked for: SendGrid stores it as given.
    destinationKey: field.destinationKey,
    created: field.action.kind === 'create',
  }));
}

async function createField(
  client: SendgridClient,
  name: string,
  fieldType: SendgridFieldType,
): Promise<FieldDefinition> {
  try {
    const body = await client.call(createdFieldResponse, {
      method: 'POST',
      url: '/v3/marketing/field_definitions',
      body: { name, field_type: fieldType },
    });
    return { id: body.id, name: body.name, field_type: body.field_type };
  } catch (error) {
    // Another run may have created it between our read and this write: take theirs if it fits.
    if (!isConnectorError(error) || error.code !== 'rejected') throw error;
    const again = await fetchFieldDefinitions(client);
    const found = again.custom.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (found && found.field_type === fieldType) return found;
    throw error;
  }
}

/** The kit's provisioning plan shape (what the admin API shows) from SendGrid's own plan. */
export async function planSendgridFields(
  ctx: ConnectorContext,
  config: SendgridConfig,
  specs: FieldSpec[],
): Promise<FieldProvisioningPlan> {
  const plan = await sendgridFieldPlan(ctx, config, specs);
  return {
    fields: plan.fields.map((field) => {
      const { action } = field;
      if (action.kind === 'conflict') {
        return {
          key: field.spec.key,
          destinationKey: field.destinationKey,
          action: 'conflict' as const,
          reason: action.reason,
        };
      }
      if (action.kind === 'create')
        return { key: field.spec.key, destinationKey: field.destinationKey, action: 'create' as const };
      const mismatch =
        action.kind === 'existing' && action.typeMismatch
          ? `existing field is ${action.fieldType}, mapping wants ${action.typeMismatch.wanted}`
          : undefined;
      return {
        key: field.spec.key,
        destinationKey: field.destinationKey,
        action: 'exists' as const,
        ...(mismatch ? { reason: mismatch } : {}),
      };
    }),
    budget: plan.budget,
  };
}
