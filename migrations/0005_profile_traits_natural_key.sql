-- Hand edit: WITHOUT ROWID stores profile_traits in its primary-key b-tree (drizzle-kit cannot express it).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_profile_traits` (
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`key` text NOT NULL,
	`source` text NOT NULL,
	`value_json` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`origin_profile_id`, `key`, `source`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_profile_traits`("profile_id", "origin_profile_id", "key", "source", "value_json", "updated_at") SELECT "profile_id", "origin_profile_id", "key", "source", "value_json", "updated_at" FROM `profile_traits`;--> statement-breakpoint
DROP TABLE `profile_traits`;--> statement-breakpoint
ALTER TABLE `__new_profile_traits` RENAME TO `profile_traits`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `profile_traits_profile_idx` ON `profile_traits` (`profile_id`,`key`);