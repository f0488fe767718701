import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables } from 'chart.js';

/**
 * Noto Sans (SIL OFL 1.1) from @fontsource/noto-sans. Fontsource splits it by script, so the
 * Latin and the Vietnamese subsets are registered as two families and every font string names
 * both: each glyph comes from whichever holds it, never from a system font.
 */
export const FAMILY = '"Thuoc Do Sans", "Thuoc Do Sans VI"';
/** In the SVG: the same face where the viewer has it, else a common sans-serif. */
export const SVG_FAMILY = "'Noto Sans', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

let ready = false;
/** Registers the fonts and Chart.js's parts once per thread. */
export function setUp(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  // Worker threads share the process's font collection when the main thread has filled it.
  const registered = GlobalFonts.has('Thuoc Do Sans') && GlobalFonts.has('Thuoc Do Sans VI');
  for (const weight of registered ? [] : [400, 700]) {
    for (const [subset, alias] of [
      ['latin', 'Thuoc Do Sans'],
      ['vietnamese', 'Thuoc Do Sans VI'],
    ] as const) {
      const path = require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-${weight}-normal.woff2`);
      if (!GlobalFonts.registerFromPath(path, alias)) throw new Error(`could not load the font ${path}`);
    }
  }
  Chart.register(...registerables);
  ready = true;
}

/** A canvas font string in the site's face. */
export const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${FAMILY}`;

