-- Hand edit: observations and the rollups are WITHOUT ROWID (clustered on their keys); drizzle-kit cannot express it.
CREATE TABLE `batches` (
	`id` integer PRIMARY KEY NOT NULL,
	`publisher_id` integer,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`received_at` text NOT NULL,
	`sha256` text NOT NULL,
	`byte_size` integer NOT NULL,
	`remote_addr` text,
	`outcome` text NOT NULL,
	`status_code` integer NOT NULL,
	`rows` integer NOT NULL,
	`inserted` integer NOT NULL,
	`revised` integer NOT NULL,
	`unchanged` integer NOT NULL,
	`error_count` integer NOT NULL,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `batches_publisher` ON `batches` (`publisher_id`);--> statement-breakpoint
CREATE TABLE `localities` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` integer,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`successor_id` integer,
	FOREIGN KEY (`parent_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`successor_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `localities_code_from` ON `localities` (`code`,`valid_from`);--> statement-breakpoint
CREATE INDEX `localities_parent` ON `localities` (`parent_id`);--> statement-breakpoint
CREATE TABLE `locality_renames` (
	`locality_id` integer NOT NULL,
	`changed_on` text NOT NULL,
	`name_before` text NOT NULL,
	PRIMARY KEY(`locality_id`, `changed_on`),
	FOREIGN KEY (`locality_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `observation_revisions` (
	`id` integer PRIMARY KEY NOT NULL,
	`locality_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`period` text NOT NULL,
	`online_count` integer NOT NULL,
	`total_count` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`superseded_by` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`superseded_by`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `revisions_key` ON `observation_revisions` (`locality_id`,`service_id`,`period`);--> statement-breakpoint
CREATE TABLE `observations` (
	`locality_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`period` text NOT NULL,
	`online_count` integer NOT NULL,
	`total_count` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`demo` integer NOT NULL,
	PRIMARY KEY(`locality_id`, `service_id`, `period`),
	FOREIGN KEY (`locality_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "observations_counts" CHECK(online_count >= 0 AND online_count <= total_count)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `observations_demo` ON `observations` (`period`) WHERE demo = 1;--> statement-breakpoint
CREATE TABLE `publisher_localities` (
	`publisher_id` integer NOT NULL,
	`locality_id` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `locality_id`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`locality_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `publisher_services` (
	`publisher_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `service_id`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `publishers` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publishers_token_id_unique` ON `publishers` (`token_id`);--> statement-breakpoint
CREATE TABLE `rollup_area` (
	`area_id` integer NOT NULL,
	`period` text NOT NULL,
	`online_count` integer NOT NULL,
	`total_count` integer NOT NULL,
	`self_rows` integer NOT NULL,
	`sub_rows` integer NOT NULL,
	PRIMARY KEY(`area_id`, `period`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `rollup_service_area` (
	`service_id` integer NOT NULL,
	`period` text NOT NULL,
	`area_id` integer NOT NULL,
	`online_count` integer NOT NULL,
	`total_count` integer NOT NULL,
	`self_rows` integer NOT NULL,
	`sub_rows` integer NOT NULL,
	PRIMARY KEY(`service_id`, `period`, `area_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `services` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name_vi` text NOT NULL,
	`name_en` text,
	`agency` text,
	`online_level` text NOT NULL,
	`online_since` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_code` ON `services` (`code`);--> statement-breakpoint
CREATE TABLE `targets` (
	`id` integer PRIMARY KEY NOT NULL,
	`service_id` integer,
	`locality_id` integer NOT NULL,
	`due_month` text NOT NULL,
	`target_rate` real NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`locality_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action
);
