CREATE TABLE `sync_failures` (
	`sync_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`run_id` text NOT NULL,
	`error_json` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`failed_at` integer NOT NULL,
	PRIMARY KEY(`sync_id`, `profile_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_fingerprints` (
	`sync_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`fingerprint` text NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`sync_id`, `profile_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`sync_id` text NOT NULL,
	`status` text NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`checkpoint` text,
	`counts_json` text NOT NULL,
	`total` integer,
	`error_json` text,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_runs_one_active` ON `sync_runs` (`sync_id`) WHERE status = 'running';--> statement-breakpoint
CREATE INDEX `sync_runs_sync_idx` ON `sync_runs` (`sync_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `syncs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`destination_id` text NOT NULL,
	`definition_json` text NOT NULL,
	`schedule` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `syncs_name_unique` ON `syncs` (`name`);