import { CONTROL_CHARS } from '../../web/templates/html.ts';

/** The year in every tag: URI of the site's feeds (RFC 4151): fixed, so that ids never change. */
export const TAG_DATE = '2026';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/**
 * Escaped, and without the characters XML 1.0 does not allow at all, nor C1 and bidirectional
 * controls, which it allows but which would reorder a feed reader's text (as in escapeHtml).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(CONTROL_CHARS, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** The authority of the feeds' tag: URIs: the site's host, or a reserved name where it has none. */
export function tagAuthority(siteUrl: string | null): string {
  try {
    return siteUrl ? new URL(siteUrl).hostname : 'thuocdo.invalid';
  } catch {
    return 'thuocdo.invalid';
  }
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  /** Where the entry's page is, already resolved against the feed's address. */
  link: string;
  category: string;
  content: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  updated: string;
  self: string;
  alternate: string;
  entries: AtomEntry[];
}

/** One Atom document (RFC 4287): Vietnamese first, CC BY 4.0, every text escaped. */
export function atomDocument(feed: AtomFeed): string {
  const e = escapeXml;
  const entries = feed.entries.map(
    (x) => `  <entry>
    <id>${e(x.id)}</id>
    <title>${e(x.title)}</title>
    <updated>${e(x.updated)}</updated>
    <link rel="alternate" type="text/html" href="${e(x.link)}"/>
    <category term="${e(x.category)}"/>
    <content type="text">${e(x.content)}</content>
  </entry>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <id>${e(feed.id)}</id>
  <title>${e(feed.title)}</title>
  <subtitle>${e(feed.subtitle)}</subtitle>
  <updated>${e(feed.updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${e(feed.self)}"/>
  <link rel="alternate" type="text/html" href="${e(feed.alternate)}"/>
  <author><name>Thước đo</name></author>
  <rights>CC BY 4.0</rights>
${entries.join('')}</feed>
`;
}
