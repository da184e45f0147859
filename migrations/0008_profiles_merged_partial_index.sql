DROP INDEX `profiles_merged_into_idx`;--> statement-breakpoint
CREATE INDEX `profiles_merged_into_idx` ON `profiles` (`merged_into`) WHERE merged_into is not null;