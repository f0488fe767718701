ALTER TABLE `batches` ADD `last_period` text;--> statement-breakpoint
-- Hand-written backfill (drizzle-kit only adds the column): one pass over the rows of every stored batch.
UPDATE `batches` SET `last_period` = m.`last` FROM (
	SELECT `batch_id`, max(`period`) AS `last` FROM (
		SELECT `batch_id`, `period` FROM `observations` UNION ALL SELECT `batch_id`, `period` FROM `observation_revisions`
	) GROUP BY `batch_id`
) AS m WHERE m.`batch_id` = `batches`.`id`;
