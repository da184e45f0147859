CREATE TABLE `sync_list_members` (
	`sync_id` text NOT NULL,
	`list` text NOT NULL,
	`profile_id` text NOT NULL,
	`email` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`sync_id`, `list`, `profile_id`)
);
--> statement-breakpoint
CREATE INDEX `sync_list_members_profile_idx` ON `sync_list_members` (`profile_id`);