import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/**
 * Administrative units. A code is not an identity: codes were reused on 2025-07-01,
 * so a unit is a (code, validity) pair and rows point at its id.
 * Dates are ISO days; a unit exists in a month when it covers the whole month.
 */
export const localities = sqliteTable(
  'localities',
  {
    id: integer('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level', { enum: ['country', 'province', 'commune'] }).notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => localities.id),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
    successorId: integer('successor_id').references((): AnySQLiteColumn => localities.id),
  },
  (t) => [uniqueIndex('localities_code_from').on(t.code, t.validFrom), index('localities_parent').on(t.parentId)],
);

/**
 * Where each commune of 2025-07-01 came from: `whole` (the old unit went entirely into it) or
 * `part` (the old unit was split). A new commune with a part source has no exact history before the reform.
 */
export const localitySources = sqliteTable(
  'locality_sources',
  {
    localityId: integer('locality_id')
      .notNull()
      .references(() => localities.id),
    sourceId: integer('source_id')
      .notNull()
      .references(() => localities.id),
    share: text('share', { enum: ['whole', 'part'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.localityId, t.sourceId] }), index('locality_sources_source').on(t.sourceId)],
);

/** Renames that kept the code and the unit (e.g. 75 became "Thành phố Đồng Nai" on 2026-04-30). */
export const localityRenames = sqliteTable(
  'locality_renames',
  {
    localityId: integer('locality_id')
      .notNull()
      .references(() => localities.id),
    changedOn: text('changed_on').notNull(),
    nameBefore: text('name_before').notNull(),
  },
  (t) => [primaryKey({ columns: [t.localityId, t.changedOn] })],
);

export const services = sqliteTable(
  'services',
  {
    id: integer('id').primaryKey(),
    code: text('code').notNull(),
    nameVi: text('name_vi').notNull(),
    nameEn: text('name_en'),
    agency: text('agency'),
    /** `none`: not offered online (counts in the share of services offered online). */
    onlineLevel: text('online_level', { enum: ['full', 'partial', 'none'] }).notNull(),
    onlineSince: text('online_since'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('services_code').on(t.code)],
);

export const publishers = sqliteTable('publishers', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  // The token is "td_<tokenId>_<secret>": the id finds the row, the secret is checked against its hash.
  tokenId: text('token_id').notNull().unique(),
  tokenHash: text('token_hash').notNull(),
  createdAt: text('created_at').notNull(),
  revokedAt: text('revoked_at'),
  /** After this instant (ISO, UTC) the token is refused as expired; null = never. */
  expiresAt: text('expires_at'),
});

export const publisherLocalities = sqliteTable(
  'publisher_localities',
  {
    publisherId: integer('publisher_id')
      .notNull()
      .references(() => publishers.id),
    localityId: integer('locality_id')
      .notNull()
      .references(() => localities.id),
  },
  (t) => [primaryKey({ columns: [t.publisherId, t.localityId] })],
);

/** No rows for a publisher means every service. */
export const publisherServices = sqliteTable(
  'publisher_services',
  {
    publisherId: integer('publisher_id')
      .notNull()
      .references(() => publishers.id),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
  },
  (t) => [primaryKey({ columns: [t.publisherId, t.serviceId] })],
);

/**
 * Scoped admins (phân cấp): a province's IT unit, or a ministry for its services, managing the
 * publishers, targets and pull sources within its scope. An admin whose localities include VN,
 * with no services listed, is a national admin like ADMIN_TOKEN. Tokens as publishers'
 * ("tda_<tokenId>_<secret>", only the secret's hash kept).
 */
export const admins = sqliteTable('admins', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  tokenId: text('token_id').notNull().unique(),
  tokenHash: text('token_hash').notNull(),
  createdAt: text('created_at').notNull(),
  /** Who created it: null = ADMIN_TOKEN (or the CLI), else a national admin's id. */
  createdBy: integer('created_by').references((): AnySQLiteColumn => admins.id),
  expiresAt: text('expires_at'),
  revokedAt: text('revoked_at'),
});

export const adminLocalities = sqliteTable(
  'admin_localities',
  {
    adminId: integer('admin_id')
      .notNull()
      .references(() => admins.id),
    localityId: integer('locality_id')
      .notNull()
      .references(() => localities.id),
  },
  (t) => [primaryKey({ columns: [t.adminId, t.localityId] })],
);

/** No rows for an admin means every service. */
export const adminServices = sqliteTable(
  'admin_services',
  {
    adminId: integer('admin_id')
      .notNull()
      .references(() => admins.id),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
  },
  (t) => [primaryKey({ columns: [t.adminId, t.serviceId] })],
);

/**
 * Every admin action that changed something: who (ADMIN_TOKEN or an admin), what, on what, when
 * and from where. The subject's scope (locality codes, service codes or null = all) decides which
 * scoped admins may read the entry. Never a token or a secret.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: text('at').notNull(),
    /** null = the national ADMIN_TOKEN. */
    actorAdminId: integer('actor_admin_id').references(() => admins.id),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** JSON: what was set (names, scopes, counts), never a secret. */
    detail: text('detail').notNull(),
    /** JSON arrays of codes: the subject's localities, and its services (null = every service). */
    scopeLocalities: text('scope_localities').notNull(),
    scopeServices: text('scope_services'),
    remoteAddr: text('remote_addr'),
    userAgent: text('user_agent'),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actorAdminId)],
);

/** Every submission, stored or rejected: the audit trail of who sent what. */
export const batches = sqliteTable(
  'batches',
  {
    id: integer('id').primaryKey(),
    publisherId: integer('publisher_id').references(() => publishers.id),
    source: text('source', { enum: ['api', 'cli', 'demo', 'pull'] }).notNull(),
    format: text('format', { enum: ['csv', 'json', 'xlsx'] }).notNull(),
    receivedAt: text('received_at').notNull(),
    sha256: text('sha256').notNull(),
    byteSize: integer('byte_size').notNull(),
    remoteAddr: text('remote_addr'),
    outcome: text('outcome', { enum: ['stored', 'rejected'] }).notNull(),
    statusCode: integer('status_code').notNull(),
    rows: integer('rows').notNull(),
    inserted: integer('inserted').notNull(),
    revised: integer('revised').notNull(),
    unchanged: integer('unchanged').notNull(),
    errorCount: integer('error_count').notNull(),
    /** Stored rows this batch withdrew (POST /withdrawals, or "withdrawals" in a JSON body). */
    withdrawn: integer('withdrawn').notNull().default(0),
    /** The latest month among a stored batch's rows: when its publisher last reported, without reading the rows. */
    lastPeriod: text('last_period'),
  },
  (t) => [index('batches_publisher').on(t.publisherId)],
);

/** Current counts: one row per locality, service and month. (WITHOUT ROWID in the migration.) */
export const observations = sqliteTable(
  'observations',
  {
    localityId: integer('locality_id')
      .notNull()
      .references(() => localities.id),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
    period: text('period').notNull(),
    onlineCount: integer('online_count').notNull(),
    totalCount: integer('total_count').notNull(),
    /** The optional measures (contract "Indicators"); null = not reported, never zero. */
    endToEndCount: integer('end_to_end_count'),
    feeCount: integer('fee_count'),
    paidOnlineCount: integer('paid_online_count'),
    batchId: integer('batch_id')
      .notNull()
      .references(() => batches.id),
    demo: integer('demo', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.localityId, t.serviceId, t.period] }),
    // Partial: costs nothing for real data, answers "is any demo row left?" at once.
    index('observations_demo').on(t.period).where(sql`demo = 1`),
    check('observations_counts', sql`online_count >= 0 AND online_count <= total_count`),
  ],
);

/** Earlier counts, each with the batch that sent it and the batch that replaced it. */
export const observationRevisions = sqliteTable(
  'observation_revisions',
  {
    id: integer('id').primaryKey(),
    localityId: integer('locality_id').notNull(),
    serviceId: integer('service_id').notNull(),
    period: text('period').notNull(),
    onlineCount: integer('online_count').notNull(),
    totalCount: integer('total_count').notNull(),
    endToEndCount: integer('end_to_end_count'),
    feeCount: integer('fee_count'),
    paidOnlineCount: integer('paid_online_count'),
    batchId: integer('batch_id')
      .notNull()
      .references(() => batches.id),
    supersededBy: integer('superseded_by')
      .notNull()
      .references(() => batches.id),
    /** The superseding batch withdrew the row rather than sending new counts. */
    withdrawn: integer('withdrawn', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('revisions_key').on(t.localityId, t.serviceId, t.period)],
);

/**
 * The rollups' sums of the optional measures. Each measure counts only the rows that reported
 * it: its numerator, its denominator over those same rows, and how many rows (for coverage).
 */
const measureSums = () => ({
  endToEndCount: integer('end_to_end_count').notNull().default(0),
  /** Σ total_count of the rows that reported end_to_end_count. */
  endToEndBase: integer('end_to_end_base').notNull().default(0),
  endToEndRows: integer('end_to_end_rows').notNull().default(0),
  paidOnlineCount: integer('paid_online_count').notNull().default(0),
  /** Σ fee_count of the rows that reported paid_online_count. */
  paidOnlineBase: integer('paid_online_base').notNull().default(0),
  paidOnlineRows: integer('paid_online_rows').notNull().default(0),
});

/**
 * Sums per service, month and area in today's boundaries (a current province, or VN for
 * country-level rows), kept in step with observations inside each ingest transaction.
 * self_rows/sub_rows count rows at the area's own level and below it: they guard against
 * the same dossiers being reported at two levels of the tree. (WITHOUT ROWID.)
 */
export const rollupServiceArea = sqliteTable(
  'rollup_service_area',
  {
    serviceId: integer('service_id').notNull(),
    period: text('period').notNull(),
    areaId: integer('area_id').notNull(),
    onlineCount: integer('online_count').notNull(),
    totalCount: integer('total_count').notNull(),
    selfRows: integer('self_rows').notNull(),
    subRows: integer('sub_rows').notNull(),
    ...measureSums(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.period, t.areaId] })],
);

/** The same sums over all services. (WITHOUT ROWID.) */
export const rollupArea = sqliteTable(
  'rollup_area',
  {
    areaId: integer('area_id').notNull(),
    period: text('period').notNull(),
    onlineCount: integer('online_count').notNull(),
    totalCount: integer('total_count').notNull(),
    selfRows: integer('self_rows').notNull(),
    subRows: integer('sub_rows').notNull(),
    ...measureSums(),
    /** The batch that last changed these sums or any service's sums for this area and month: warm caches re-read only those. */
    changedIn: integer('changed_in').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.areaId, t.period] })],
);

/**
 * Rows and sums per reporting unit (the locality a row was sent for) and month: which units
 * reported, for coverage, and their totals, without reading millions of observations. (WITHOUT ROWID.)
 */
export const rollupUnit = sqliteTable(
  'rollup_unit',
  {
    localityId: integer('locality_id').notNull(),
    period: text('period').notNull(),
    rows: integer('rows').notNull(),
    /** Sums over the unit's services: a commune's figures, and a province's communes side by side, without reading its rows. */
    onlineCount: integer('online_count').notNull().default(0),
    totalCount: integer('total_count').notNull().default(0),
    ...measureSums(),
    /** The batch that last changed the unit's rows in this month: a warm site build re-reads only those communes. */
    changedIn: integer('changed_in').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.localityId, t.period] }), index('rollup_unit_changed').on(t.changedIn)],
);

/**
 * A configured pull source: an agency that cannot push serves a file at a URL, or another
 * system copies files into a drop folder. Each pull is a batch of `publisher_id`, under its scope.
 * The last_* columns are the source's status, shown to admins and read by the late_data signal.
 */
export const pullSources = sqliteTable('pull_sources', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['url', 'folder'] }).notNull(),
  location: text('location').notNull(),
  /** null = from the Content-Type header or the file name. */
  format: text('format', { enum: ['csv', 'json', 'xlsx'] }),
  publisherId: integer('publisher_id')
    .notNull()
    .references(() => publishers.id),
  schedule: text('schedule').notNull(),
  timeoutMs: integer('timeout_ms').notNull(),
  retries: integer('retries').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  lastAttemptAt: text('last_attempt_at'),
  lastSuccessAt: text('last_success_at'),
  lastOutcome: text('last_outcome', { enum: ['stored', 'partial', 'unchanged', 'empty', 'failed', 'rejected'] }),
  lastError: text('last_error'),
  lastBatchId: integer('last_batch_id').references(() => batches.id),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  failingSince: text('failing_since'),
  /** HTTP validators and the body's hash, so an unchanged file is not stored again. */
  etag: text('etag'),
  lastModified: text('last_modified'),
  lastSha256: text('last_sha256'),
  /** The hash of the last refused file: the same bytes again are refused without another batch. */
  rejectedSha256: text('rejected_sha256'),
});

/** A rate to reach by a month, nationally or for a locality, for one service or all. */
export const targets = sqliteTable('targets', {
  id: integer('id').primaryKey(),
  serviceId: integer('service_id').references(() => services.id),
  localityId: integer('locality_id')
    .notNull()
    .references(() => localities.id),
  dueMonth: text('due_month').notNull(),
  targetRate: real('target_rate').notNull(),
  createdAt: text('created_at').notNull(),
  /** The indicator the rate is of (an id of db/indicators/catalogue.ts); rows from before it meant the online rate. */
  indicator: text('indicator').notNull().default('online_rate'),
});

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
