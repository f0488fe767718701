import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, addServices, csv, testApp } from '../helper.ts';

/**
 * Slow clients against a listening server (raw sockets, no HTTP client in between): a client
 * that trickles its headers (slowloris), stalls mid-body or trickles a body forever is cut
 * off, while a normal client is served. Timeouts are short here; the defaults are in config.ts.
 */
describe('slow clients', () => {
  let t: TestApp;
  let port: number;
  let token: string;

  beforeAll(async () => {
    t = await testApp({ limits: { headersTimeoutMs: 600, requestTimeoutMs: 2_000, connectionTimeoutMs: 500, keepAliveTimeoutMs: 300 } });
    addServices(t.db, 'KS');
    token = (await t.publisher(['01'])).headers.authorization!;
    // Batches run on a thread started by the first one: start it now, not within the short timeouts.
    const warm = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { authorization: token, 'content-type': 'text/csv' }, payload: csv([['2023-01', 'KS', '01', 1, 2]]) });
    expect(warm.statusCode).toBe(201);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(() => t.close());

  /** Opens a socket, runs `talk` until the server closes it; resolves with what the server sent. */
  function untilClosed(talk: (socket: Socket, closed: () => boolean) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      let received = '';
      let isClosed = false;
      const socket = connect(port, '127.0.0.1', () => talk(socket, () => isClosed));
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
      socket.on('close', () => {
        isClosed = true;
        resolve(received);
      });
    });
  }

  /** Writes `chunk` every 50 ms until the server closes the socket. */
  function trickle(socket: Socket, closed: () => boolean, chunk: string): void {
    const timer = setInterval(() => (closed() ? clearInterval(timer) : socket.write(chunk)), 50);
    socket.once('close', () => clearInterval(timer));
  }

  const body = csv([['2024-01', 'KS', '01', 1, 2]]);
  const head = (length: number) =>
    `POST /api/v1/observations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: text/csv\r\nContent-Length: ${length}\r\n\r\n`;

  it('cuts off a client that trickles its headers (slowloris)', async () => {
    const answer = await untilClosed((socket, closed) => {
      socket.write('POST /api/v1/observations HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // Never idle, so only the headers timeout can end it.
      trickle(socket, closed, 'X-Slow: 1\r\n');
    });
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts off a client that stops sending in the middle of its body', async () => {
    const answer = await untilClosed((socket) => socket.write(head(body.length) + body.slice(0, 10)));
    expect(answer).not.toContain('201');
  });

  it('cuts off a client that trickles a body that never ends', async () => {
    const before = t.db.sqlite.prepare('SELECT count(*) AS n FROM observations').get();
    const answer = await untilClosed((socket, closed) => {
      socket.write(head(10_000_000));
      trickle(socket, closed, '2024-01,KS,01,1,2\n'.slice(0, 1));
    });
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM observations').get()).toEqual(before);
  });

  it('serves a slow but steady client: pauses shorter than the idle timeout, the whole body within the request timeout', async () => {
    const answer = await untilClosed((socket) => {
      const pieces = [head(body.length), ...body.match(/[^]{1,12}/g)!];
      const timer = setInterval(() => {
        const piece = pieces.shift();
        if (piece === undefined) return clearInterval(timer);
        // No end(): a client that half-closes gets no answer from Node's HTTP server once the
        // handler is asynchronous; the keep-alive timeout closes the socket after the answer.
        socket.write(piece);
      }, 100);
    });
    expect(answer).toMatch(/^HTTP\/1.1 201/);
  });

  it('serves a normal client', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/observations`, { method: 'POST', headers: { authorization: token, 'content-type': 'text/csv' }, body });
    expect(res.status).toBe(201);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
  });
});
