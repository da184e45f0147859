CREATE TABLE `serving_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` text NOT NULL,
	`at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
-- The triggers below report every change to what the send-time webhook reads per recipient
-- (see src/db/schema/serving.ts), and only those: a profile the serving index does not hold is
-- read from the database, so new profiles and new identity keys need no report, nor do rows
-- inserted with nothing a send shows (a new profile's empty metrics and scores). A send's
-- answer uses names, merges and erasure; the keys' owner; the list; RFM group, CLV tier and
-- cluster; AOV, last viewed category and cart; memberships of segments that have a group.
CREATE TRIGGER `serving_profiles_update` AFTER UPDATE OF `traits_json`, `merged_into`, `deleted_at` ON `profiles`
WHEN old.merged_into IS NOT new.merged_into OR old.deleted_at IS NOT new.deleted_at OR coalesce(json_extract(old.traits_json, '$.first_name'), json_extract(old.traits_json, '$.firstName')) IS NOT coalesce(json_extract(new.traits_json, '$.first_name'), json_extract(new.traits_json, '$.firstName')) OR coalesce(json_extract(old.traits_json, '$.last_name'), json_extract(old.traits_json, '$.lastName')) IS NOT coalesce(json_extract(new.traits_json, '$.last_name'), json_extract(new.traits_json, '$.lastName'))
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_profiles_delete` AFTER DELETE ON `profiles`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_identities_update` AFTER UPDATE OF `profile_id` ON `identities`
WHEN old.profile_id IS NOT new.profile_id
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_identities_delete` AFTER DELETE ON `identities`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_recommendations_insert` AFTER INSERT ON `profile_recommendations`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_recommendations_update` AFTER UPDATE OF `items_json`, `level`, `confidence` ON `profile_recommendations`
WHEN old.items_json IS NOT new.items_json OR old.level IS NOT new.level OR old.confidence IS NOT new.confidence
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_recommendations_delete` AFTER DELETE ON `profile_recommendations`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_scores_insert` AFTER INSERT ON `profile_scores`
WHEN new.rfm_group IS NOT NULL OR new.clv_tier IS NOT NULL OR new.cluster_id IS NOT NULL OR new.cluster_label IS NOT NULL
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_scores_update` AFTER UPDATE OF `rfm_group`, `clv_tier`, `cluster_id`, `cluster_label` ON `profile_scores`
WHEN old.rfm_group IS NOT new.rfm_group OR old.clv_tier IS NOT new.clv_tier OR old.cluster_id IS NOT new.cluster_id OR old.cluster_label IS NOT new.cluster_label
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_scores_delete` AFTER DELETE ON `profile_scores`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_metrics_insert` AFTER INSERT ON `profile_metrics`
WHEN new.average_order_value IS NOT NULL OR new.last_viewed_category IS NOT NULL OR json_array_length(new.cart_json) > 0
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_metrics_update` AFTER UPDATE OF `average_order_value`, `last_viewed_category`, `cart_json` ON `profile_metrics`
WHEN old.average_order_value IS NOT new.average_order_value OR old.last_viewed_category IS NOT new.last_viewed_category OR old.cart_json IS NOT new.cart_json
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_metrics_delete` AFTER DELETE ON `profile_metrics`
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_memberships_insert` AFTER INSERT ON `segment_memberships`
WHEN EXISTS (SELECT 1 FROM `segments` WHERE `id` = new.segment_id AND `group_name` IS NOT NULL)
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (new.profile_id);
END;
--> statement-breakpoint
CREATE TRIGGER `serving_memberships_delete` AFTER DELETE ON `segment_memberships`
WHEN EXISTS (SELECT 1 FROM `segments` WHERE `id` = old.segment_id AND `group_name` IS NOT NULL)
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES (old.profile_id);
END;
--> statement-breakpoint
-- A segment gaining or losing its group changes which memberships count: '*' asks the index
-- to reload everything (memberships of ungrouped segments were not reported).
CREATE TRIGGER `serving_segments_grouping` AFTER UPDATE OF `group_name` ON `segments`
WHEN (old.group_name IS NULL) <> (new.group_name IS NULL)
BEGIN
	INSERT INTO `serving_changes` (`profile_id`) VALUES ('*');
END;
