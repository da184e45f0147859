-- Hand edit: WITHOUT ROWID keeps identities in one b-tree keyed by `key` (drizzle-kit cannot express it).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_identities` (
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`key` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`value` text NOT NULL,
	`raw_value` text NOT NULL,
	`valid` integer NOT NULL,
	`source` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_identities`("profile_id", "origin_profile_id", "key", "type", "value", "raw_value", "valid", "source", "first_seen_at", "last_seen_at") SELECT "profile_id", "origin_profile_id", "key", "type", "value", "raw_value", "valid", "source", "first_seen_at", "last_seen_at" FROM `identities`;--> statement-breakpoint
DROP TABLE `identities`;--> statement-breakpoint
ALTER TABLE `__new_identities` RENAME TO `identities`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `identities_profile_idx` ON `identities` (`profile_id`,`type`);--> statement-breakpoint
DROP INDEX `profiles_updated_idx`;