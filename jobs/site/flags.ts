import type { Flag, OnlineServiceShare, WatchResult } from '../../db/watch/signals.ts';
import { SIGNALS } from '../../db/watch/types.ts';
import type { SiteWatch } from '../../web/templates/pages/watch-data.ts';
import { type Field, UNITS, field as f } from './fields.ts';
import type { Cell, Table } from './table-files.ts';

/** What the tables need of a watch result: the site's enriched copy serves as well (and adds its commune flags). */
type Watch = Pick<WatchResult, 'flags' | 'online_service_share' | 'window' | 'recent' | 'threshold' | 'due_day'> & { communes?: SiteWatch['communes'] };


export const FLAG_FIELDS: Field[] = [
  f('signal', 'string', `one of ${SIGNALS.join(', ')}`),
  f('service_code', 'string', 'service code; empty = all services together (or a publisher)'),
  f('locality_code', 'string', 'current province or commune code, VN for the country; empty for a publisher'),
  f('severity', 'number', 'for ranking within a signal: 0 mild, 1 worst'),
  f('paper_12m', 'integer', 'dossiers not submitted online over the 12-month window, in the scope of the flag', UNITS.dossiers),
  f('metrics', 'string', 'the numbers behind the flag, as a JSON object'),
  f('explanation_vi', 'string', 'the flag in plain Vietnamese, with its numbers'),
  f('explanation_en', 'string', 'the flag in plain English, with its numbers'),
];

export function flagCells(flag: Flag): Cell[] {
  return [flag.signal, flag.service_code, flag.locality_code, flag.severity, flag.paper_12m, JSON.stringify(flag.metrics), flag.explanation_vi, flag.explanation_en];
}

/**
 * /data/flags.csv (and .json), most paper first: every flag of the country, services and
 * provinces, and the commune flags the site shows (each province's and each commune's first by
 * paper); the API has every commune flag.
 */
export function flagsTable(result: Watch): Table {
  const communes = result.communes;
  const shown = communes?.flags.length ?? 0;
  return {
    name: 'flags',
    path: 'flags',
    title: 'Watch list: problems found, explained and ranked',
    title_vi: 'Danh sách cần chú ý: các vấn đề được phát hiện, giải thích và xếp hạng',
    spreadsheet: true,
    description:
      `Signals computed over the 12 complete months ${result.window.from} to ${result.window.to} in current boundaries ` +
      `(low-usage threshold ${result.threshold}; data for a month due on day ${result.due_day} of the next). Sorted by dossiers still on paper.` +
      (communes && communes.total > shown
        ? ` Commune flags: the ${shown} of ${communes.total} that the site shows (each province's ${communes.per_province} and each commune's ${communes.per_commune} with the most paper); every one is at /api/v1/flags?within=VN.`
        : ''),
    fields: FLAG_FIELDS,
    rows: () => mergeByPaper(result.flags, communes?.flags ?? []).map(flagCells),
  };
}

/** Two lists, each most paper first, as one (stable: the first list's flag before an equal one of the second). */
function mergeByPaper<T extends { paper_12m: number }>(a: T[], b: T[]): T[] {
  if (b.length === 0) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i]!.paper_12m >= b[j]!.paper_12m) ? a[i++]! : b[j++]!);
  return out;
}

export const SHARE_FIELDS: Field[] = [
  f('locality_code', 'string', 'VN or a current province code'),
  f('locality_name', 'string', 'name'),
  f('online_services', 'integer', 'services online since the start of the last 3 months, reported in the 12-month window'),
  f('with_online_dossiers', 'integer', 'of those, services with at least one online dossier in the last 3 months'),
  f('with_any_dossiers', 'integer', 'of those, services with at least one dossier (any channel) in the last 3 months'),
  f('share', 'number', 'with_online_dossiers / online_services, 4 decimals', UNITS.ratio),
];

const shareCells = (s: OnlineServiceShare): Cell[] => [s.locality_code, s.locality_name, s.online_services, s.with_online_dossiers, s.with_any_dossiers, s.share];

/** /data/online-service-share.csv: indicator 3.2 of the 766 index, nationally and per province. */
export function onlineServiceShareTable(result: Watch): Table {
  return {
    name: 'online-service-share',
    path: 'online-service-share',
    title: 'Share of online services that received any online dossier in the last 3 months',
    title_vi: 'Tỷ lệ dịch vụ trực tuyến có phát sinh hồ sơ trực tuyến trong 3 tháng gần nhất',
    spreadsheet: true,
    description: `Indicator 3.2 of the 766 index, ${result.recent.from} to ${result.recent.to}, nationally and for each current province.`,
    fields: SHARE_FIELDS,
    rows: () => result.online_service_share.map(shareCells),
  };
}
