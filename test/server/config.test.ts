import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import { testApp } from '../helper.ts';

describe('configFromEnv: write limits and timeouts', () => {
  it('has defaults that let a 100 MB body through a slow link', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ writeRateLimit: 120, writeRateLimitIp: 600, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 72_000 });
    // 100 MB within the request timeout needs at most about 1 Mbit/s.
    expect((config.maxBodyBytes * 8) / (config.requestTimeoutMs / 1000)).toBeLessThan(1_000_000);
    // The idle timeout outlasts ingesting a full-size body, while the client only waits.
    expect(config.connectionTimeoutMs).toBeGreaterThanOrEqual(60_000);
    expect(config.headersTimeoutMs).toBeLessThan(config.requestTimeoutMs);
  });

  it('reads each from the environment; the address limit follows the token limit unless set', () => {
    expect(configFromEnv({ WRITE_RATE_LIMIT: '1000' }).writeRateLimitIp).toBe(5000);
    const config = configFromEnv({ WRITE_RATE_LIMIT_IP: '50', CONNECTION_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '300', KEEP_ALIVE_TIMEOUT_MS: '400' });
    expect(config).toMatchObject({ writeRateLimitIp: 50, connectionTimeoutMs: 1000, requestTimeoutMs: 2000, headersTimeoutMs: 300, keepAliveTimeoutMs: 400 });
  });

  it('builds an app with a headers timeout above Node\'s default request timeout (5 min)', async () => {
    const t = await testApp({ limits: { headersTimeoutMs: 400_000, requestTimeoutMs: 900_000 } });
    await t.close();
  });
});
