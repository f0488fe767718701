import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Source for `new Worker(source, { eval: true })` that runs a TypeScript module in a worker
 * thread: it registers tsx's loader in the thread (loader flags of the process do not reach
 * worker threads in Node 20), then imports the module. `onFail` is a JavaScript expression run
 * with `err` if either step fails, e.g. to tell the parent to do the work itself.
 */
export function typescriptWorkerSource(moduleUrl: string, onFail: string): string {
  // The ESM entry of tsx's API (require.resolve would give the CommonJS one).
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const entry = pkg.exports['./esm/api']?.import?.default;
  if (!entry) throw new Error('tsx has no ESM API entry');
  const tsx = pathToFileURL(join(dirname(pkgPath), entry)).href;
  return `import(${JSON.stringify(tsx)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); })
  .catch((err) => { ${onFail}; });`;
}
