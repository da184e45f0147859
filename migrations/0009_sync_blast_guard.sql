DROP INDEX `sync_runs_one_active`;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `guard_json` text;--> statement-breakpoint
CREATE UNIQUE INDEX `sync_runs_one_active` ON `sync_runs` (`sync_id`) WHERE status in ('running', 'paused', 'awaiting_confirmation');--> statement-breakpoint
ALTER TABLE `sync_fingerprints` ADD `filled_fields` text;