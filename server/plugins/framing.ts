import fp from 'fastify-plugin';

/** Paths that other sites may frame: the embeds, the host-page resizer and oEmbed. */
export function isEmbeddable(url: string): boolean {
  const path = url.split('?')[0]!;
  return /^\/(en\/)?embed\//.test(path) || path === '/embed.js' || path === '/oembed';
}

/**
 * The framing policy: embeds may be framed from anywhere (frame-ancestors *); every other
 * page may not (helmet's frame-ancestors 'none' and X-Frame-Options stay).
 */
export default fp(
  async (fastify) => {
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (!isEmbeddable(request.url)) return payload;
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string') reply.header('content-security-policy', csp.replace("frame-ancestors 'none'", 'frame-ancestors *'));
      reply.removeHeader('x-frame-options');
      return payload;
    });
  },
  { name: 'framing' },
);
