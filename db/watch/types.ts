import type { Month } from '../months.ts';
import type { CommuneFlags } from './communes.ts';

/** In this order where flags tie; the signals read from the optional measures come last. */
export const SIGNALS = ['low_usage', 'unused_online', 'paper_backlog', 'peer_gap', 'stalled', 'sudden_drop', 'late_data', 'target', 'online_for_show', 'payment_lag'] as const;
export type Signal = (typeof SIGNALS)[number];

/** Metric values: numbers, plus a few labels (a cause, a status, a method, a month). */
export type MetricValue = number | string | null;

/** One problem on the watch list, explained in both languages with its numbers. */
export interface Flag {
  signal: Signal;
  /** null = all services together (or a publisher's whole scope). */
  service_code: string | null;
  /** A current province or commune, "VN" for the whole country; null for a publisher. */
  locality_code: string | null;
  /** A commune's flag only: the commune's province. */
  province_code?: string;
  /** For ranking within a signal: 0 (mild) to 1 (worst). */
  severity: number;
  /** Dossiers not submitted online over the 12-month window, in the flag's scope. */
  paper_12m: number;
  metrics: Record<string, MetricValue>;
  explanation_vi: string;
  explanation_en: string;
}

/** Indicator 3.2 of the 766 index: the share of online services that received any online dossier. */
export interface OnlineServiceShare {
  locality_code: string;
  locality_name: string;
  /** Services online since at least the start of the last 3 months that the area reported in the last 12 months. */
  online_services: number;
  /** Of those, services with at least one online dossier in the last 3 months. */
  with_online_dossiers: number;
  /** Of those, services with at least one dossier (any channel) in the last 3 months. */
  with_any_dossiers: number;
  /** with_online_dossiers / online_services, 4 decimals; null when there are no online services. */
  share: number | null;
}

export interface WatchResult {
  /** The 12 complete months the signals read. */
  window: { from: Month; to: Month };
  /** The last 3 months of the window (unused_online, online_service_share). */
  recent: { from: Month; to: Month };
  threshold: number;
  due_day: number;
  /** The month whose data is due by now: data for month M is due on day `due_day` of M + 1. */
  expected_month: Month;
  computed_at: string;
  /** The flags of the country, provinces and services (and commune targets), most paper first. */
  flags: Flag[];
  online_service_share: OnlineServiceShare[];
  /** The flags of communes and service × commune pairs: counted and ranked, each written when read. */
  commune_flags: CommuneFlags;
  /** Who reported by commune in the months read (`from` through today): the commune flags speak only of these. */
  commune_data: CommuneData;
}

export interface CommuneData {
  /** The first month read (2 months before the window). */
  from: Month;
  /** Current provinces with any commune row, by code. */
  provinces: string[];
  /** Current communes with any row of their own, by code. */
  communes: string[];
}
