import type { AppDeps } from '../app-deps.js';
import { isConnectorError } from '../connector-kit/errors.js';
import type { FieldSpec } from '../connector-kit/types.js';
import { AppError } from '../http/errors.js';
import { syncDefinitionSchema } from '../sync/definition.js';
import { type AuditActor, auditInsert } from './audit.js';
import { loadConnection } from './connections.js';
import { getSync } from './syncs.js';

/** The destination fields a sync's mapping needs, as the connector kit describes them. */
function specsOf(definition: unknown): FieldSpec[] {
  return syncDefinitionSchema
    .parse(definition)
    .fields.map((field) => ({ key: field.to, label: field.to, type: field.type }));
}

function vendorFailure(error: unknown): never {
  if (isConnectorError(error)) {
    throw new AppError(
      error.code === 'auth' || error.code === 'invalid_config' ? 'conflict' : 'upstream_error',
      error.message,
      error.toJSON(),
    );
  }
  throw error;
}

/**
 * Field provisioning before a sync's first run: without `confirm`, the plan (which destination
 * fields exist, which would be created, the budget used); with it, the fields are created. Fields
 * we did not create are never deleted.
 */
export async function provisionSyncFields(
  deps: AppDeps,
  actor: AuditActor,
  syncId: string,
  confirm: boolean,
) {
  const sync = await getSync(deps, syncId);
  const { connector, config } = await loadConnection(deps, sync.destinationId);
  const destination = connector.destination;
  if (!destination) throw new AppError('conflict', `the '${connector.id}' connector is not a destination`);
  const specs = specsOf(sync.definition);
  const ctx = deps.connectorContext();
  if (!confirm) {
    if (!destination.planFields) {
      throw new AppError(
        'conflict',
        `the '${connector.id}' connector cannot show a plan; send {"confirm": true} to provision`,
      );
    }
    return { confirmed: false, plan: await destination.planFields(ctx, config, specs).catch(vendorFailure) };
  }
  if (!destination.ensureFields)
    return {
      confirmed: true,
      fields: specs.map((spec) => ({ ...spec, destinationKey: spec.key, created: false })),
    };
  const fields = await destination.ensureFields(ctx, config, specs).catch(vendorFailure);
  await auditInsert(
    deps.db,
    actor,
    {
      action: 'sync.provision_fields',
      entityType: 'sync',
      entityId: syncId,
      after: { created: fields.filter((field) => field.created).map((field) => field.destinationKey) },
    },
    deps.now(),
  );
  return { confirmed: true, fields };
}
