import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens of publishers ("td_…") and scoped admins ("tda_…"): "<prefix>_<tokenId>_<secret>".
 * The id finds the row; only the SHA-256 of the 32-byte secret is stored, compared in constant time.
 */
export type TokenPrefix = 'td' | 'tda';

export interface NewToken {
  token: string;
  tokenId: string;
  /** Hex SHA-256 of the secret: what the database keeps. */
  tokenHash: string;
}

const patterns: Record<TokenPrefix, RegExp> = {
  td: /^td_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/,
  tda: /^tda_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/,
};

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function newToken(prefix: TokenPrefix): NewToken {
  const tokenId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${prefix}_${tokenId}_${secret}`, tokenId, tokenHash: hashSecret(secret).toString('hex') };
}

/** The token's id and secret, or null when it is not a token of this kind. */
export function parseToken(prefix: TokenPrefix, token: string): { tokenId: string; secret: string } | null {
  const match = patterns[prefix].exec(token);
  return match ? { tokenId: match[1]!, secret: match[2]! } : null;
}

/** The secret against a stored hash, in constant time (both are 32-byte digests). */
export function secretMatches(secret: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const given = hashSecret(secret);
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** Whether an `expires_at` (ISO, UTC) has passed. */
export function hasExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && expiresAt <= now.toISOString();
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Date.parse reads 2027-02-30 as 2 March and 24:00 as the next day: such dates are refused. */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const hour = Number(value.slice(11, 13));
  return hour < 24 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && m >= 1 && m <= 12;
}

/**
 * An `expires_at` as given at creation: an ISO date-time with its zone, in the future. Returns
 * the instant in UTC (so stored values compare as text), or the reason it is refused.
 */
export function readExpiry(value: string | null | undefined, now: Date): { ok: true; expiresAt: string | null } | { ok: false; vi: string; en: string } {
  if (value === undefined || value === null) return { ok: true, expiresAt: null };
  const time = ISO_DATE_TIME.test(value) && realDay(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time)) {
    return {
      ok: false,
      vi: `expires_at "${value}" không phải thời điểm hợp lệ: ghi theo ISO 8601 kèm múi giờ, ví dụ 2027-06-30T17:00:00Z hoặc 2027-07-01T00:00:00+07:00`,
      en: `expires_at "${value}" is not a valid date-time: write ISO 8601 with a zone, e.g. 2027-06-30T17:00:00Z or 2027-07-01T00:00:00+07:00`,
    };
  }
  if (time <= now.getTime()) {
    return { ok: false, vi: `expires_at "${value}" đã qua: hãy chọn một thời điểm trong tương lai`, en: `expires_at "${value}" is in the past: choose a time in the future` };
  }
  return { ok: true, expiresAt: new Date(time).toISOString() };
}
