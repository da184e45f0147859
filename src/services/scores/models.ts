import type { AppDeps } from '../../app-deps.js';
import { models } from '../../db/schema/index.js';

/** Each model's last fit: status, parameters, quality figures, or why it refused. */
export async function modelStatus(deps: AppDeps) {
  const rows = await deps.db.select().from(models);
  return rows.map((row) => ({
    kind: row.kind,
    status: row.status,
    // The cluster model's parameters are its whole centroid table: summarised, not dumped.
    parameters: row.kind === 'clusters' ? null : (row.parameters ?? null),
    metrics: row.metrics ?? null,
    message: row.message,
    scored: row.scored,
    fittedAt: row.fittedAt.toISOString(),
  }));
}
