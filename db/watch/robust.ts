/** Robust statistics for the watch list: medians and MADs resist the outliers we are looking for. */

/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
export const MAD_SCALE = 1.4826;

/** The median of a list (the mean of the two middle values for an even count); null when empty. */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median: median(|x − median(x)|); null when empty. */
export function mad(values: ArrayLike<number>, center = median(values)): number | null {
  if (center === null) return null;
  return median(Float64Array.from(values, (v) => Math.abs(v - center)));
}

/** Robust z-score: (x − median) / (1.4826 · MAD); null when MAD is 0 (the spread is unknown). */
export function robustZ(value: number, center: number, deviation: number): number | null {
  return deviation > 0 ? (value - center) / (MAD_SCALE * deviation) : null;
}

export interface LinearFit {
  intercept: number;
  slope: number;
  points: number;
}

/** Ordinary least squares y = intercept + slope · x; null with fewer than two distinct x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) (sx += xs[i]!), (sy += ys[i]!);
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope, points: n };
}
