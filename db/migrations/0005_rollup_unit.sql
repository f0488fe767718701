-- Hand edit: WITHOUT ROWID like the other rollups, and filled once from the stored rows.
CREATE TABLE `rollup_unit` (
	`locality_id` integer NOT NULL,
	`period` text NOT NULL,
	`rows` integer NOT NULL,
	PRIMARY KEY(`locality_id`, `period`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `rollup_unit` (`locality_id`, `period`, `rows`)
SELECT `locality_id`, `period`, count(*) FROM `observations` GROUP BY `locality_id`, `period`;
