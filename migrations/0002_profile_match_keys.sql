CREATE TABLE `profile_match_keys` (
	`key` text NOT NULL,
	`profile_id` text NOT NULL,
	PRIMARY KEY(`key`, `profile_id`)
);
--> statement-breakpoint
CREATE INDEX `profile_match_keys_profile_idx` ON `profile_match_keys` (`profile_id`);