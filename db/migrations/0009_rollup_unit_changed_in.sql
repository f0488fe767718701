ALTER TABLE `rollup_unit` ADD `changed_in` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `rollup_unit_changed` ON `rollup_unit` (`changed_in`);--> statement-breakpoint
-- Hand written: the newest batch of each unit-month's rows, for those stored before the column.
WITH `last` AS (SELECT `locality_id`, `period`, max(`batch_id`) AS `batch_id` FROM `observations` GROUP BY 1, 2)
UPDATE `rollup_unit` SET `changed_in` = `last`.`batch_id` FROM `last`
WHERE `last`.`locality_id` = `rollup_unit`.`locality_id` AND `last`.`period` = `rollup_unit`.`period`;
