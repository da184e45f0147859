CREATE TABLE `recommendation_refresh_queue` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`queued_at` integer NOT NULL
);
