import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import { addServices, csv, adminHeaders, testApp } from '../helper.ts';

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

  it('reads TRUST_PROXY as off, on or addresses', () => {
    expect(configFromEnv({}).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(configFromEnv({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });

  it.each([
    [false, '127.0.0.1'],
    [['127.0.0.1'], '203.0.113.7'],
  ] as const)('with trustProxy %j the audit trail records %s as where a batch came from', async (trustProxy, expected) => {
    const t = await testApp({ limits: { trustProxy: trustProxy === false ? false : [...trustProxy] } });
    try {
      addServices(t.db, 'A');
      const { headers } = await t.publisher(['01']);
      const sent = await t.app.inject({
        method: 'POST',
        url: '/api/v1/observations',
        remoteAddress: '127.0.0.1',
        headers: { ...headers, 'content-type': 'text/csv', 'x-forwarded-for': '203.0.113.7' },
        payload: csv([['2024-01', 'A', '01', 1, 2]]),
      });
      expect(sent.statusCode).toBe(201);
      const audit = await t.app.inject({ method: 'GET', url: '/api/v1/batches', headers: adminHeaders() });
      expect(audit.json().batches[0].remote_addr).toBe(expected);
    } finally {
      await t.close();
    }
  });
});
