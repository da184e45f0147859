CREATE TABLE `suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`origin_connection_id` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`propagation_json` text DEFAULT '{}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `suppressions_profile_idx` ON `suppressions` (`profile_id`);--> statement-breakpoint
CREATE INDEX `suppressions_pending_idx` ON `suppressions` (`completed_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`connection_id` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);--> statement-breakpoint
ALTER TABLE `deletions` ADD `attempts` integer DEFAULT 0 NOT NULL;