import type { Format } from '../../db/ingest/ingest.ts';

/** The body's format: as configured, else as the server or file name says, else by its first byte. */
export function detectFormat(configured: Format | null, contentType: string | null, name: string, body: Buffer): Format {
  if (configured) return configured;
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('csv')) return 'csv';
  const extension = /\.(csv|json)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'json') return extension;
  // Skips a UTF-8 BOM and whitespace: a JSON body opens with "{".
  const first = body.toString('utf8', 0, Math.min(body.length, 64)).replace(/^\uFEFF/, '').trimStart()[0];
  return first === '{' ? 'json' : 'csv';
}
