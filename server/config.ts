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
    siteBuildDelayMs: Number(env.SITE_BUILD_DELAY_MS || 1000),
    publicUrl: (env.PUBLIC_URL || `http://${host}:${port}`).replace(/\/$/, ''),
    writeRateLimit: Number(env.WRITE_RATE_LIMIT || 120),
  };
}
