ALTER TABLE `rollup_unit` ADD `online_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `total_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand written: the sums of the rows stored before the columns existed.
WITH `sums` AS (
	SELECT `locality_id`, `period`, sum(`online_count`) AS `online`, sum(`total_count`) AS `total` FROM `observations` GROUP BY 1, 2
)
UPDATE `rollup_unit` SET `online_count` = `sums`.`online`, `total_count` = `sums`.`total` FROM `sums`
WHERE `sums`.`locality_id` = `rollup_unit`.`locality_id` AND `sums`.`period` = `rollup_unit`.`period`;
