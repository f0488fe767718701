/** The environment the contract names, read once, with its defaults. */
export interface Config {
  host: string;
  port: number;
  dbPath: string;
  siteDir: string;
  adminToken: string | null;
  seedDemo: boolean;
  maxBodyBytes: number;
  /** Quiet time after a batch before the site is rebuilt: a burst of batches gives one build. */
  siteBuildDelayMs: number;
  /** Where readers reach the site: oEmbed answers and discovery links use it. */
  publicUrl: string;
  /** Writes a minute per token (or per address without one). */
  writeRateLimit: number;
  /** Writes a minute per client address, whatever tokens it sends: rotating tokens does not lift it. */
  writeRateLimitIp: number;
  /** A socket idle this long in both directions is closed (a client that stops sending mid-body). */
  connectionTimeoutMs: number;
  /** The longest one request may take, body included: long enough for MAX_BODY_MB on a slow link. */
  requestTimeoutMs: number;
  /** The longest a client may take to send its request headers (slowloris). */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /**
   * Which proxies' X-Forwarded-For to believe: false (none), true (any) or addresses/CIDRs. Behind nginx the client address is then the reader's, not the proxy's, for
   * the per-address write limit and the audit trail.
   */
  trustProxy: boolean | string[];
}

/** TRUST_PROXY: unset or "false", "true", or a comma-separated list of addresses/CIDRs. */
function trustProxyFrom(value: string | undefined): Config['trustProxy'] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((a) => a.trim()).filter(Boolean);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST || '127.0.0.1';
  const port = Number(env.PORT || 3000);
  return {
    host,
    port,
    dbPath: env.DB_PATH || './data/thuocdo.db',
    siteDir: env.SITE_DIR || './data/site',
    adminToken: env.ADMIN_TOKEN || null,
    seedDemo: env.SEED_DEMO !== '0',
    maxBodyBytes: Math.round(Number(env.MAX_BODY_MB || 100) * 1024 * 1024),
    siteBuildDelayMs: Number(env.SITE_BUILD_DELAY_MS || 150),
    publicUrl: (env.PUBLIC_URL || `http://${host}:${port}`).replace(/\/$/, ''),
    writeRateLimit: Number(env.WRITE_RATE_LIMIT || 120),
    // Five tokens' worth (600 by default): one ministry's gateway may carry several publishers,
    // and raising WRITE_RATE_LIMIT (benches, bulk loads) raises this with it.
    writeRateLimitIp: Number(env.WRITE_RATE_LIMIT_IP || 5 * Number(env.WRITE_RATE_LIMIT || 120)),
    // Longer than the slowest ingest of a full-size body, during which the client only waits.
    connectionTimeoutMs: Number(env.CONNECTION_TIMEOUT_MS || 120_000),
    // 100 MB in 15 minutes needs about 1 Mbit/s: a slow provincial link still gets through.
    requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS || 900_000),
    headersTimeoutMs: Number(env.HEADERS_TIMEOUT_MS || 20_000),
    keepAliveTimeoutMs: Number(env.KEEP_ALIVE_TIMEOUT_MS || 72_000),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
  };
}
