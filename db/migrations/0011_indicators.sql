ALTER TABLE `observation_revisions` ADD `end_to_end_count` integer;--> statement-breakpoint
ALTER TABLE `observation_revisions` ADD `fee_count` integer;--> statement-breakpoint
ALTER TABLE `observation_revisions` ADD `paid_online_count` integer;--> statement-breakpoint
ALTER TABLE `observations` ADD `end_to_end_count` integer;--> statement-breakpoint
ALTER TABLE `observations` ADD `fee_count` integer;--> statement-breakpoint
ALTER TABLE `observations` ADD `paid_online_count` integer;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `end_to_end_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `end_to_end_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `end_to_end_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `paid_online_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `paid_online_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_area` ADD `paid_online_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `end_to_end_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `end_to_end_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `end_to_end_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `paid_online_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `paid_online_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_service_area` ADD `paid_online_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `end_to_end_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `end_to_end_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `end_to_end_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `paid_online_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `paid_online_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_unit` ADD `paid_online_rows` integer DEFAULT 0 NOT NULL;