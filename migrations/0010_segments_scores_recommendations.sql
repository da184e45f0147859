CREATE TABLE `event_names` (
	`name` text PRIMARY KEY NOT NULL,
	`first_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_recommendations` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`items_json` text NOT NULL,
	`level` text NOT NULL,
	`confidence` real NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `recommendation_lists` (
	`key` text PRIMARY KEY NOT NULL,
	`items_json` text NOT NULL,
	`support` integer DEFAULT 0 NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `recommendation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`cursor` text,
	`counts_json` text NOT NULL,
	`started_at` integer NOT NULL,
	`fitted_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `slot_templates` (
	`slot` text NOT NULL,
	`format` text NOT NULL,
	`template` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`slot`, `format`)
);
--> statement-breakpoint
CREATE TABLE `models` (
	`kind` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`parameters_json` text,
	`metrics_json` text,
	`message` text,
	`scored` integer DEFAULT 0 NOT NULL,
	`fitted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_scores` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`rfm_r` integer,
	`rfm_f` integer,
	`rfm_m` integer,
	`rfm_group` text,
	`clv` real,
	`clv_tier` text,
	`expected_purchases` real,
	`p_alive` real,
	`propensity` real,
	`cluster_id` text,
	`cluster_label` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `segment_checks` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`due_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segment_checks_due_idx` ON `segment_checks` (`due_at`);--> statement-breakpoint
CREATE TABLE `segment_membership_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`segment_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`change` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segment_history_segment_idx` ON `segment_membership_history` (`segment_id`,`at`);--> statement-breakpoint
CREATE INDEX `segment_history_profile_idx` ON `segment_membership_history` (`profile_id`,`at`);--> statement-breakpoint
CREATE TABLE `segment_memberships` (
	`segment_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`entered_at` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `profile_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `segment_memberships_profile_idx` ON `segment_memberships` (`profile_id`);--> statement-breakpoint
CREATE TABLE `segment_recomputes` (
	`id` text PRIMARY KEY NOT NULL,
	`cursor` text,
	`versions_json` text NOT NULL,
	`counts_json` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `segment_versions` (
	`segment_id` text NOT NULL,
	`version` integer NOT NULL,
	`rule_json` text NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`group_name` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`rule_json` text NOT NULL,
	`version` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`computed_at` integer,
	`computed_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_name_unique` ON `segments` (`name`);