CREATE TABLE `locality_sources` (
	`locality_id` integer NOT NULL,
	`source_id` integer NOT NULL,
	`share` text NOT NULL,
	PRIMARY KEY(`locality_id`, `source_id`),
	FOREIGN KEY (`locality_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_id`) REFERENCES `localities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `locality_sources_source` ON `locality_sources` (`source_id`);--> statement-breakpoint
ALTER TABLE `batches` ADD `withdrawn` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `observation_revisions` ADD `withdrawn` integer DEFAULT false NOT NULL;