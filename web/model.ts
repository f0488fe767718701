/**
 * The shapes of the published JSON files. The site's templates and browser code know the
 * data only through these; the builder in jobs/ produces them.
 */

/** Who reported in a bucket (db/coverage.ts says how it is counted). */
export interface Coverage {
  reporting: number;
  expected: number;
}

export interface Point {
  /** YYYY-MM, or YYYY for yearly points. */
  period: string;
  online_count: number;
  total_count: number;
  rate: number | null;
  coverage: Coverage;
  /** Every expected unit reported and the months have ended: a partial point must not read as whole. */
  complete: boolean;
  /** For yearly points: the months with data the year covers. */
  first_month?: string;
  last_month?: string;
  months?: number;
}

export interface Series {
  monthly: Point[];
  yearly: Point[];
  /** What coverage counts: provinces (national series), or the units rows are sent for (a province, its communes). */
  units: 'provinces' | 'units';
  /**
   * The optional measures' shares beside the online rate, each over only the rows that reported
   * it; a measure nobody reported is absent (never a line of zeros). Absent when neither was.
   */
  measures?: SeriesMeasures;
}

/** The optional measures a chart draws beside the online rate: end-to-end ÷ all dossiers, paid online ÷ fee-bearing. */
export type MeasureKey = 'end_to_end' | 'online_payment';
export const MEASURE_KEYS: readonly MeasureKey[] = ['end_to_end', 'online_payment'];

export type SeriesMeasures = Partial<Record<MeasureKey, MeasureSeries>>;

/** A bucket of a measure: Σ numerator ÷ Σ denominator over the rows that reported it, with who reported it. */
export interface MeasurePoint {
  /** YYYY-MM, or YYYY for yearly points. */
  period: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  coverage: Coverage;
  complete: boolean;
  first_month?: string;
  last_month?: string;
  months?: number;
}

export interface MeasureSeries {
  /** Only the months in which some row reported the measure. */
  monthly: MeasurePoint[];
  yearly: MeasurePoint[];
}

export interface SiteMeta {
  built_at: string;
  /** The latest month with any data. */
  data_as_of: string | null;
  /** The latest month every regularly reporting province has reported. */
  latest_complete_month: string | null;
  demo: boolean;
  /** The newest stored batch: archived embeds freeze the numbers as of it. */
  last_batch_id: number;
  /** The public address of the site (PUBLIC_URL), for oEmbed discovery; null = relative links only. */
  site_url: string | null;
}

/** Rates over the last 12 complete months, and the 12 before. */
export interface Window12 {
  rate_12m: number | null;
  previous_rate_12m: number | null;
  /** Percentage points; null when either side has no rate. */
  change_pp: number | null;
  online_12m: number;
  total_12m: number;
  /** Dossiers still on paper (total − online). */
  paper_12m: number;
}

export interface ProvinceSummary extends Window12 {
  code: string;
  name: string;
  last_reported: string | null;
}

export interface ServiceSummary extends Window12 {
  code: string;
  name_vi: string;
  name_en: string | null;
  agency: string | null;
  online_level: 'full' | 'partial' | 'none';
  online_since: string | null;
}

export interface Headline {
  month: string;
  rate: number | null;
  online_count: number;
  total_count: number;
  provinces_reported: number;
  provinces_expected: number;
  ytd: { year: string; from: string; to: string; rate: number | null; previous_rate: number | null; change_pp: number | null } | null;
}

/** The national end-to-end share against its target, for the home page. */
export interface EndToEndHeadline {
  /** The latest complete month when it has end-to-end figures, else the latest month that has. */
  month: string;
  rate: number | null;
  numerator: number;
  denominator: number;
  /** The provinces that reported end-to-end counts that month, of those expected. */
  coverage: Coverage;
  complete: boolean;
  /** The national target (80%: Decision 766/QĐ-TTg's full score, the end-2025 goal). */
  target: number;
}

export interface HomeData {
  meta: SiteMeta;
  headline: Headline | null;
  /** Null when no end-to-end count was ever reported. */
  end_to_end: EndToEndHeadline | null;
  national: Series;
  provinces: ProvinceSummary[];
  gains: ProvinceSummary[];
  falls: ProvinceSummary[];
  little_used: ServiceSummary[];
  little_used_threshold: number;
}

export interface ServicesData {
  meta: SiteMeta;
  services: ServiceSummary[];
}

export interface ServiceData {
  meta: SiteMeta;
  service: ServiceSummary;
  national: Series;
  provinces: ProvinceSummary[];
}

export interface LocalitiesData {
  meta: SiteMeta;
  provinces: Array<ProvinceSummary & { map: { row: number; col: number } | null }>;
  /** Every commune of today under its province, for the index without JavaScript (set with the communes' figures). */
  communes?: Array<{ code: string; name: string; communes: Array<{ code: string; name: string }> }>;
  /** The old provinces, whose communes before the reform have a page each. */
  old_provinces?: Array<{ code: string; name: string }>;
}

export interface LocalityData {
  meta: SiteMeta;
  province: ProvinceSummary & { merged_from: Array<{ code: string; name: string }> };
  series: Series;
  services: ServiceSummary[];
  watch: LocalityWatch;
  communes: CommuneSummary[];
  /** The online-services group of the 766 index for its latest year with data; null without data. */
  scorecard: ScorecardData | null;
}

/** One indicator of a scorecard, with its numbers (db/indicators/scorecard.ts makes it). */
export interface ScorecardPartData {
  indicator: string;
  name_vi: string;
  name_en: string;
  reference: string;
  numerator: number;
  denominator: number;
  value: number | null;
  points: number;
  max_points: number;
  full_score_at: number;
  /** "online dossiers ÷ all dossiers = 6,200 ÷ 10,000". */
  formula_vi: string;
  formula_en: string;
}

/**
 * The online-services group of Decision 766/QĐ-TTg for a locality or a ministry and a year, as
 * computed from the data reported here: never shown without its note (not the official score).
 */
export interface ScorecardData {
  locality: string;
  locality_name: string;
  agency: string | null;
  year: string;
  from: string;
  to: string;
  score: number;
  max_score: number;
  parts: ScorecardPartData[];
  explanation_vi: string;
  explanation_en: string;
  note_vi: string;
  note_en: string;
}

/** A ministry's (an agency's) scorecard: its services, nationwide. */
export interface AgencyScorecard {
  agency: string;
  /** The agency's name as a slug, for its anchor and its row in the open data. */
  slug: string;
  card: ScorecardData;
}

/** /agencies/: the country's scorecard and each ministry's. */
export interface AgenciesData {
  meta: SiteMeta;
  country: ScorecardData | null;
  agencies: AgencyScorecard[];
}

/** An indicator of the catalogue (db/indicators/catalogue.ts), as plain data for the methodology page. */
export interface IndicatorInfo {
  id: string;
  name_vi: string;
  name_en: string;
  numerator: string;
  numerator_vi: string;
  denominator: string;
  denominator_vi: string;
  reference: string;
  full_score_at: number;
  max_points: number;
  counts: 'dossiers' | 'services';
  /** The columns of the reported rows it is computed from. */
  columns: string[];
  /** The fields of the service catalogue it reads (the indicators that count services). */
  catalogue: string[];
}

/** The catalogue of indicators and how they score. */
export interface IndicatorsInfo {
  indicators: IndicatorInfo[];
  max_score: number;
  scoring_vi: string;
  scoring_en: string;
  note_vi: string;
  note_en: string;
}

/** A commune's row in its province's table: its 12-month window and how many of those months it reported. */
export interface CommuneSummary extends Window12 {
  code: string;
  name: string;
  last_reported: string | null;
  /** Months of the 12-month window with any row. */
  months_reported: number;
}

/** A commune of today, its figures and where it came from. */
export interface CommuneData {
  /** Its own times: built_at is when a batch last changed it, so an untouched commune's page never changes. */
  meta: SiteMeta;
  commune: CommuneSummary & {
    province: { code: string; name: string };
    /** Set when a source was split: the series starts at the reform. */
    history: { history_from: string; history_note: string } | null;
    sources: Array<{ code: string; name: string; share: 'whole' | 'part' }>;
  };
  series: Series;
  services: ServiceSummary[];
  flags: WatchFlag[];
  /** Its scorecard for its latest year with data; null without figures of its own. */
  scorecard: ScorecardData | null;
}

/** A commune until 2025-06-30 and the commune(s) of today it went into. */
export interface OldCommune {
  code: string;
  name: string;
  /** Split between several communes. */
  split: boolean;
  into: Array<{ code: string; name: string }>;
}

/** The search box's index (/localities/search.json): [code, name], [code, name, province code], [old code, old name, new codes]. */
export interface SearchIndex {
  provinces: Array<[string, string]>;
  communes: Array<[string, string, string]>;
  before: Array<[string, string, string[]]>;
}

/** Frictionless Data Package v2 (the parts we publish). */
export interface DataPackage {
  $schema: string;
  name: string;
  title: string;
  description: string;
  version: string;
  created: string;
  /** The newest stored batch this build holds: every file of it is as of this batch. */
  last_batch_id: number;
  demo: boolean;
  /** The zip of everything, which may stand at an earlier batch than the files beside it. */
  archive: DataArchive;
  licenses: Array<{ name: string; path: string; title: string }>;
  sources: Array<{ title: string; path?: string }>;
  contributors: Array<{ title: string; roles: string[] }>;
  resources: DataResource[];
}

export interface DataResource {
  name: string;
  /** The Vietnamese title, for the citation on the Vietnamese data page. */
  title_vi?: string;
  /** Several paths: files with one schema that together form one table. */
  path: string | string[];
  title: string;
  description: string;
  format: 'csv' | 'json' | 'xlsx';
  mediatype: string;
  /** Text files only. */
  encoding?: 'utf-8';
  bytes?: number;
  hash?: string;
  /** A part of the raw observations: the last batch that changed its rows. */
  last_batch_id?: number;
  /** The CSVs' first line is their header, and nothing comes before it. */
  dialect?: { header: true };
  schema?: { fields: TableField[]; primaryKey?: string[] };
}

/** A column of a published table. */
export interface TableField {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'yearmonth';
  description: string;
  /** What a number counts or measures, e.g. "dossiers" or "ratio (0–1)". */
  unit?: string;
}

/**
 * NAME.metadata.json beside NAME.csv: what the CSV itself cannot say without breaking its first
 * line as the header (as OWID publishes NAME.csv with NAME.metadata.json).
 */
export interface TableMetadata {
  name: string;
  title: string;
  title_vi: string;
  description: string;
  /** The files of this table: the CSV, and its JSON and spreadsheet twins where it has them. */
  files: { csv: string; json?: string; xlsx?: string };
  source: string;
  licence: { name: string; path: string; title: string };
  citation: { vi: string; en: string };
  built_at: string;
  data_as_of: string | null;
  last_batch_id: number;
  demo: boolean;
  /** "Dữ liệu minh họa — Demo data: …" while the figures are simulated; null otherwise. */
  demo_label: string | null;
  fields: TableField[];
  primaryKey?: string[];
}

/** /data/archive/YYYY-MM/: the open data frozen when a month was first complete nationally. */
export interface DataSnapshot {
  /** The month that became complete. */
  month: string;
  /** Under /data/, with a trailing slash. */
  path: string;
  created: string;
  last_batch_id: number;
  /** The national figures of that month as frozen. */
  online_count: number;
  total_count: number;
  rate: number | null;
}

export interface DataArchive {
  path: string;
  last_batch_id: number;
  built_at: string;
}

/** /embed/charts.json: every chart of the site, for oEmbed and for anyone listing embeds. */
export interface ChartManifest {
  built_at: string;
  charts: Array<{ id: string; lang: 'vi' | 'en'; title: string; page: string; embed: string; image: string }>;
}

/** The watch list's signals (db/watch/types.ts), as the site names them. */
export type WatchSignal =
  | 'low_usage'
  | 'unused_online'
  | 'paper_backlog'
  | 'peer_gap'
  | 'stalled'
  | 'sudden_drop'
  | 'late_data'
  | 'target'
  | 'online_for_show'
  | 'payment_lag';

/** One problem on the watch list, with the names the pages show. */
export interface WatchFlag {
  signal: WatchSignal;
  /** null = all services together (or a publisher's whole scope). */
  service_code: string | null;
  /** A current province, "VN" for the whole country; null for a publisher. */
  locality_code: string | null;
  severity: number;
  paper_12m: number;
  metrics: Record<string, number | string | null>;
  explanation_vi: string;
  explanation_en: string;
  service_name_vi: string | null;
  service_name_en: string | null;
  agency: string | null;
  locality_name: string | null;
}

/** Indicator 3.2 of the 766 index: the share of online services that received any online dossier. */
export interface WatchServiceShare {
  locality_code: string;
  locality_name: string;
  online_services: number;
  with_online_dossiers: number;
  with_any_dossiers: number;
  share: number | null;
}

export interface WatchData {
  meta: SiteMeta;
  /** The 12 complete months the signals read, and the last 3 of them. */
  window: { from: string; to: string };
  recent: { from: string; to: string };
  threshold: number;
  /** Data for month M is due on this day of M + 1. */
  due_day: number;
  /** Every flag, most paper first. */
  flags: WatchFlag[];
  online_service_share: WatchServiceShare[];
}

/** A province's part of the watch list, shown on its page. */
export interface LocalityWatch {
  /** The province's own flags (service × province, all services, late data). */
  counts: Array<{ signal: WatchSignal; count: number }>;
  total: number;
  /** Its communes' flags and their service × commune pairs', every one counted. */
  communes: { counts: Array<{ signal: WatchSignal; count: number }>; total: number };
  online_service_share: WatchServiceShare | null;
  /** The 3 months the share reads. */
  recent: { from: string; to: string };
}
