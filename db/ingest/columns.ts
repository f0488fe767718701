import { OBSERVATION_FIELDS } from './types.ts';
import { closest, quote } from './text.ts';

/** Checks column names against the known fields: a message for each problem. */
export function columnProblems(columns: string[], fields: readonly string[] = OBSERVATION_FIELDS, required: readonly string[] = fields): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) problems.push(`column ${quote(column)} appears twice`);
    seen.add(column);
    if (!fields.includes(column)) {
      const guess = closest(column, fields);
      problems.push(`unknown column ${quote(column)}${guess ? `: did you mean "${guess}"?` : ''}`);
    }
  }
  const missing = required.filter((f) => !seen.has(f));
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return problems;
}

export const EXPECTED_COLUMNS = `the columns are ${OBSERVATION_FIELDS.join(', ')}`;
