/**
 * The scorecards the site shows: the online-services group of Decision 766/QĐ-TTg for the country,
 * each province, each ministry (the services of one agency, nationwide) and each commune with
 * figures of its own, each for its latest year with data. They are the API's scorecards
 * (db/indicators/scorecard.ts), computed by the same function; a long-lived builder keeps each
 * one until a batch changes what it is computed from.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RollupCube } from '../../db/cube.ts';
import { GROUP_MAX_SCORE, INDICATORS, SCORING } from '../../db/indicators/catalogue.ts';
import { SCORECARD_NOTE, scorecard } from '../../db/indicators/scorecard.ts';
import { type Locality, type LocalityRegistry, localityRegistry } from '../../db/localities/registry.ts';
import { type Month, currentMonth } from '../../db/months.ts';
import type { Service } from '../../db/services.ts';
import { collator, slugify } from '../../web/i18n.ts';
import type { AgencyScorecard, IndicatorsInfo, ScorecardData } from '../../web/model.ts';
import type { SiteInputs } from './model.ts';

/** Scorecards kept between builds, each with the key of what it was computed from. */
export interface ScorecardCache {
  cards: Map<string, { key: string; card: ScorecardData }>;
}

export const emptyScorecardCache = (): ScorecardCache => ({ cards: new Map() });

/** The country's, the provinces' (by code) and the ministries' scorecards. */
export interface SiteScorecards {
  country: ScorecardData | null;
  provinces: Map<string, ScorecardData>;
  agencies: AgencyScorecard[];
}

/** The year a unit is scored for: the year of its latest month with data; null without data. */
export const scoredYear = (lastMonth: string | null | undefined): string | null => (lastMonth ? lastMonth.slice(0, 4) : null);

/** What every scorecard depends on besides its rows: the services (their level, start, agency). */
function servicesKey(services: Service[]): string {
  const parts = services.map((s) => [s.id, s.code, s.agency, s.online_level, s.online_since]);
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** Makes a scorecard, or takes the one made for the same key. */
function cached(cache: ScorecardCache, id: string, key: string, make: () => ScorecardData): ScorecardData {
  const hit = cache.cards.get(id);
  if (hit && hit.key === key) return hit.card;
  const card = make();
  cache.cards.set(id, { key, card });
  return card;
}

/** The scoring months of a year: to December, or to the current month for the year in progress. */
const scoredTo = (year: string, today: Month) => (`${year}-12` < today ? `${year}-12` : today);

/**
 * A scorecard of any locality, kept while nothing it reads changed: `changedIn` is the newest batch
 * that changed its rows (rollup_area, rollup_unit), `services` the catalogue's key.
 */
export function localityScorecard(
  sqlite: Database.Database,
  registry: LocalityRegistry,
  cache: ScorecardCache,
  q: { locality: Locality; year: string; agency: string | null; today: Month; changedIn: number; services: string },
  cube?: RollupCube,
): ScorecardData {
  const id = q.agency === null ? `locality:${q.locality.code}` : `agency:${q.agency}`;
  const key = [q.year, scoredTo(q.year, q.today), q.changedIn, q.services, q.locality.name].join('|');
  return cached(cache, id, key, () => scorecard(sqlite, registry, { locality: q.locality, year: q.year, agency: q.agency, today: q.today }, cube));
}

/** The newest batch that changed each area's rows in each year, and the whole country's. */
function changesByAreaYear(sqlite: Database.Database): { area: Map<string, number>; country: Map<string, number> } {
  const area = new Map<string, number>();
  const country = new Map<string, number>();
  const rows = sqlite.prepare('SELECT area_id, substr(period, 1, 4) AS year, max(changed_in) FROM rollup_area GROUP BY area_id, year').raw(true).all() as Array<[number, string, number]>;
  for (const [id, year, changed] of rows) {
    area.set(`${id}:${year}`, changed);
    country.set(year, Math.max(changed, country.get(year) ?? 0));
  }
  return { area, country };
}

/** The key of the service catalogue, for the communes' scorecards (communes.ts) to share. */
export const catalogueKey = servicesKey;

/**
 * The country's, each province's and each ministry's scorecard: the country and the ministries for
 * the year of the latest data, each province for the year of its own latest month. Run it in the
 * build's read transaction, with the build's cube (up to date).
 */
export function readScorecards(sqlite: Database.Database, inputs: SiteInputs, cache: ScorecardCache, cube: RollupCube): SiteScorecards {
  const registry = localityRegistry(sqlite);
  const today = currentMonth(inputs.now);
  const services = servicesKey(inputs.services);
  const changes = changesByAreaYear(sqlite);
  const provinces = new Map<string, ScorecardData>();
  for (const p of inputs.provinces) {
    const months = inputs.byArea.get(p.id) ?? [];
    const year = scoredYear(months[months.length - 1]?.period);
    if (!year) continue;
    provinces.set(p.code, localityScorecard(sqlite, registry, cache, { locality: p, year, agency: null, today, changedIn: changes.area.get(`${p.id}:${year}`) ?? 0, services }, cube));
  }
  const year = scoredYear(inputs.meta.data_as_of);
  if (!year) return { country: null, provinces, agencies: [] };
  const national = { locality: registry.country, year, today, changedIn: changes.country.get(year) ?? 0, services };
  const slugs = new Set<string>();
  const agencies = [...new Set(inputs.services.map((s) => s.agency).filter((a): a is string => a !== null && a !== ''))]
    .sort(collator.compare)
    .map((agency): AgencyScorecard => {
      const base = slugify(agency) || 'agency';
      let slug = base;
      for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
      slugs.add(slug);
      return { agency, slug, card: localityScorecard(sqlite, registry, cache, { ...national, agency }, cube) };
    });
  return { country: localityScorecard(sqlite, registry, cache, { ...national, agency: null }, cube), provinces, agencies };
}

/** The catalogue of indicators as plain data, for the methodology page: what each divides, from which columns, how it scores. */
export function indicatorsInfo(): IndicatorsInfo {
  return {
    indicators: INDICATORS.map((i) => ({
      id: i.id,
      name_vi: i.name_vi,
      name_en: i.name_en,
      numerator: i.numerator,
      numerator_vi: i.numerator_vi,
      denominator: i.denominator,
      denominator_vi: i.denominator_vi,
      reference: i.reference,
      full_score_at: i.full_score_at,
      max_points: i.max_points,
      counts: i.counts,
      ...i.reads,
    })),
    max_score: GROUP_MAX_SCORE,
    scoring_vi: SCORING.vi,
    scoring_en: SCORING.en,
    note_vi: SCORECARD_NOTE.vi,
    note_en: SCORECARD_NOTE.en,
  };
}
