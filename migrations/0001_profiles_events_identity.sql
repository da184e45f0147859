CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`product_id` text,
	`sku` text,
	`name` text,
	`category` text,
	`price` real,
	`quantity` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`order_id`, `line_no`)
);
--> statement-breakpoint
CREATE INDEX `order_lines_product_idx` ON `order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`external_order_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`status` text NOT NULL,
	`total` real NOT NULL,
	`currency` text NOT NULL,
	`discount` real,
	`ordered_at` integer NOT NULL,
	`properties_json` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_source_external_unique` ON `orders` (`source`,`external_order_id`);--> statement-breakpoint
CREATE INDEX `orders_profile_time_idx` ON `orders` (`profile_id`,`ordered_at`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`image_url` text,
	`price` real,
	`currency` text,
	`category` text,
	`in_stock` integer DEFAULT true NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`properties_json` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category`);--> statement-breakpoint
CREATE TABLE `consent` (
	`origin_profile_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`origin_profile_id`, `channel`)
);
--> statement-breakpoint
CREATE INDEX `consent_profile_idx` ON `consent` (`profile_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`source` text NOT NULL,
	`message_id` text NOT NULL,
	`type` text NOT NULL,
	`name` text,
	`properties_json` text DEFAULT '{}' NOT NULL,
	`context_json` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_source_message_unique` ON `events` (`source`,`message_id`);--> statement-breakpoint
CREATE INDEX `events_profile_time_idx` ON `events` (`profile_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_profile_name_time_idx` ON `events` (`profile_id`,`name`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`value` text NOT NULL,
	`raw_value` text NOT NULL,
	`valid` integer NOT NULL,
	`source` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_key_unique` ON `identities` (`key`);--> statement-breakpoint
CREATE INDEX `identities_profile_idx` ON `identities` (`profile_id`,`type`);--> statement-breakpoint
CREATE TABLE `profile_metrics` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`order_count` integer DEFAULT 0 NOT NULL,
	`total_spent` real DEFAULT 0 NOT NULL,
	`average_order_value` real,
	`first_order_at` integer,
	`last_order_at` integer,
	`engagement_score` real DEFAULT 0 NOT NULL,
	`engagement_at` integer,
	`last_viewed_product_id` text,
	`last_viewed_category` text,
	`last_viewed_at` integer,
	`cart_json` text DEFAULT '[]' NOT NULL,
	`cart_value` real DEFAULT 0 NOT NULL,
	`cart_updated_at` integer,
	`event_count` integer DEFAULT 0 NOT NULL,
	`last_event_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_traits` (
	`profile_id` text NOT NULL,
	`origin_profile_id` text NOT NULL,
	`key` text NOT NULL,
	`source` text NOT NULL,
	`value_json` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `profile_traits_profile_idx` ON `profile_traits` (`profile_id`,`key`);--> statement-breakpoint
CREATE UNIQUE INDEX `profile_traits_origin_unique` ON `profile_traits` (`origin_profile_id`,`key`,`source`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`merged_into` text,
	`traits_json` text DEFAULT '{}' NOT NULL,
	`trait_sources_json` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `profiles_merged_into_idx` ON `profiles` (`merged_into`);--> statement-breakpoint
CREATE INDEX `profiles_updated_idx` ON `profiles` (`updated_at`);--> statement-breakpoint
CREATE TABLE `deletions` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`identifiers_sealed` text,
	`requested_by` text NOT NULL,
	`requested_at` integer NOT NULL,
	`propagation_json` text DEFAULT '{}' NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `deletions_pending_idx` ON `deletions` (`completed_at`);--> statement-breakpoint
CREATE TABLE `identity_conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`fingerprint` text NOT NULL,
	`profile_ids_json` text NOT NULL,
	`identifier_type` text,
	`identifier_value` text,
	`detail` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identity_conflicts_fingerprint_unique` ON `identity_conflicts` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `identity_conflicts_status_idx` ON `identity_conflicts` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `match_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_a` text NOT NULL,
	`profile_b` text NOT NULL,
	`probability` real NOT NULL,
	`evidence_json` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `match_reviews_pair_unique` ON `match_reviews` (`profile_a`,`profile_b`);--> statement-breakpoint
CREATE INDEX `match_reviews_status_idx` ON `match_reviews` (`status`,`probability`);--> statement-breakpoint
CREATE TABLE `merge_blocks` (
	`profile_a` text NOT NULL,
	`profile_b` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`profile_a`, `profile_b`)
);
--> statement-breakpoint
CREATE TABLE `merges` (
	`id` text PRIMARY KEY NOT NULL,
	`survivor_id` text NOT NULL,
	`merged_id` text NOT NULL,
	`method` text NOT NULL,
	`evidence_json` text NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	`undone_at` integer,
	`undone_by` text
);
--> statement-breakpoint
CREATE INDEX `merges_survivor_idx` ON `merges` (`survivor_id`);--> statement-breakpoint
CREATE INDEX `merges_merged_idx` ON `merges` (`merged_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value_json` text NOT NULL,
	`updated_at` integer NOT NULL
);
