import { inArray, lt, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { webhookEvents } from '../../db/schema/index.js';

/** How long event ids are kept for deduplication when ESP_HUB_WEBHOOK_RETENTION_DAYS is not set. */
export const WEBHOOK_RETENTION_DAYS = 30;
/** Rows deleted per statement, and statements per pass: one pass stays short on D1 and Workers. */
const CHUNK = 2_000;
const MAX_CHUNKS = 50;

/**
 * Deletes inbound webhook event ids older than the retention. They exist only to recognise a
 * redelivery, and vendors stop redelivering within days (SendGrid and HubSpot retry for up to a
 * day or so), so a month is plenty; afterwards the same id would be taken as a new event.
 * Bounded per pass (by rowid, in chunks); what is left is taken by the next pass.
 */
export async function pruneWebhookEvents(
  deps: AppDeps,
): Promise<{ deleted: number; before: string; more: boolean }> {
  const days = deps.settings.webhookRetentionDays ?? WEBHOOK_RETENTION_DAYS;
  const before = new Date(deps.now().getTime() - days * 24 * 60 * 60 * 1000);
  let deleted = 0;
  for (let pass = 0; pass < MAX_CHUNKS; pass++) {
    const oldest = deps.db
      .select({ rowid: sql`rowid` })
      .from(webhookEvents)
      .where(lt(webhookEvents.receivedAt, before))
      .limit(CHUNK);
    const gone = await deps.db
      .delete(webhookEvents)
      .where(inArray(sql`rowid`, oldest))
      .returning({ eventId: webhookEvents.eventId });
    deleted += gone.length;
    if (gone.length < CHUNK) return { deleted, before: before.toISOString(), more: false };
  }
  return { deleted, before: before.toISOString(), more: true };
}
