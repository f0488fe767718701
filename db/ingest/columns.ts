import type { ColumnProblem } from './messages.ts';
import { closest } from './text.ts';
import { OBSERVATION_FIELDS, REQUIRED_OBSERVATION_FIELDS } from './types.ts';

/**
 * Checks column names against the known fields: each problem, for messages.badColumns. By
 * default the observations' columns, of which the measures may be left out.
 */
export function columnProblems(
  columns: string[],
  fields: readonly string[] = OBSERVATION_FIELDS,
  required: readonly string[] = fields === OBSERVATION_FIELDS ? REQUIRED_OBSERVATION_FIELDS : fields,
): ColumnProblem[] {
  const problems: ColumnProblem[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) problems.push({ kind: 'twice', column });
    seen.add(column);
    if (!fields.includes(column)) {
      const guess = closest(column, fields);
      problems.push({ kind: 'unknown', column, ...(guess ? { guess } : {}) });
    }
  }
  const missing = required.filter((f) => !seen.has(f));
  if (missing.length > 0) problems.push({ kind: 'missing', columns: missing });
  return problems;
}
