-- Hand written: area-months never changed since 0004 said batch 0; fill them with the newest batch of their rows, so that every published part of the raw data can name its last batch.
WITH `last` AS (
	SELECT CASE l.`level` WHEN 'commune' THEN coalesce(p.`successor_id`, p.`id`) WHEN 'province' THEN coalesce(l.`successor_id`, l.`id`) ELSE l.`id` END AS `area_id`,
		o.`period` AS `period`, max(o.`batch_id`) AS `batch_id`
	FROM `observations` o JOIN `localities` l ON l.`id` = o.`locality_id` LEFT JOIN `localities` p ON p.`id` = l.`parent_id`
	GROUP BY 1, 2
)
UPDATE `rollup_area` SET `changed_in` = `last`.`batch_id` FROM `last`
WHERE `last`.`area_id` = `rollup_area`.`area_id` AND `last`.`period` = `rollup_area`.`period` AND `rollup_area`.`changed_in` = 0;
