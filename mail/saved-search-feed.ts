import type { PublicSearchDocument } from '../db/saved-searches.js';
import { formatDateTime, translatorFor } from '../i18n/index.js';
import { xmlText } from '../rules/text-hygiene.js';

const xml = (s: string) => xmlText(s);
const xmlLine = (s: string) => xmlText(s, { singleLine: true });

/**
 * A saved search's Atom feed (RFC 4287), in its owner's language: the matching documents, newest
 * first, each with what its public page shows and nothing more (title, description, CPV codes,
 * the published version and its number of signatories, or the consultation's deadline). Built as
 * the public feed of published statements is (`db/public-document-renderer.ts`).
 */
export function savedSearchAtom(
  search: { id: string; name: string },
  documents: readonly PublicSearchDocument[],
  // The feed's id is the search's, which outlives a new address.
  opts: { selfUrl: string; publicUrl: string; locale: string; now: Date },
): string {
  const t = translatorFor(opts.locale);
  const updated = documents.reduce((latest, d) => (d.at > latest ? d.at : latest), new Date(0));
  const entries = documents
    .map((d) => {
      const page =
        d.kind === 'statement'
          ? new URL(`/published/${d.statementId}`, opts.publicUrl).toString()
          : new URL(`/consultations/${d.statementId}`, opts.publicUrl).toString();
      const lead =
        d.kind === 'statement'
          ? t('savedSearch.feed.statement', { version: d.version, count: d.signatories ?? 0 })
          : t('savedSearch.feed.consultation', {
              deadline: d.deadline ? formatDateTime(d.deadline.toISOString(), opts.locale) : '',
            });
      const ocds =
        d.kind === 'statement'
          ? `\n    <link rel="alternate" type="application/json" href="${xml(
              new URL(`/api/public/statements/${d.statementId}/ocds.json`, opts.publicUrl).toString(),
            )}"/>`
          : '';
      // A statement keeps the public feed's id, so a reader of both sees one entry; a consultation is its page.
      const id = d.kind === 'statement' ? `urn:uuid:${d.statementId}` : page;
      return `  <entry>
    <id>${xml(id)}</id>
    <title>${xmlLine(d.title)}</title>
    <updated>${d.at.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${xml(page)}"/>${ocds}
    <category term="${d.kind}" label="${xml(t(`savedSearch.feed.kind.${d.kind}`))}"/>
${d.cpvCodes.map((c) => `    <category scheme="urn:cpv:2008" term="${xml(c)}"/>`).join('\n')}
    <summary>${xml(`${lead} ${d.description.slice(0, 500)}`)}</summary>
  </entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(opts.locale)}">
  <id>urn:uuid:${xml(search.id)}</id>
  <title>${xmlLine(t('savedSearch.feed.title', { name: search.name }))}</title>
  <updated>${(documents.length > 0 ? updated : opts.now).toISOString()}</updated>
  <link rel="self" type="application/atom+xml" href="${xml(opts.selfUrl)}"/>
  <author><name>jointdemand</name></author>
${entries}
</feed>
`;
}
