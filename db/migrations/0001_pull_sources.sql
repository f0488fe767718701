CREATE TABLE `pull_sources` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`location` text NOT NULL,
	`format` text,
	`publisher_id` integer NOT NULL,
	`schedule` text NOT NULL,
	`timeout_ms` integer NOT NULL,
	`retries` integer NOT NULL,
	`enabled` integer NOT NULL,
	`created_at` text NOT NULL,
	`last_attempt_at` text,
	`last_success_at` text,
	`last_outcome` text,
	`last_error` text,
	`last_batch_id` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`failing_since` text,
	`etag` text,
	`last_modified` text,
	`last_sha256` text,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`last_batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pull_sources_name_unique` ON `pull_sources` (`name`);