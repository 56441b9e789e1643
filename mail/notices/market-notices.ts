import type { Tx } from '../../db/database.js';
import { findOrganisation } from '../../db/organisations.js';
import type { OutgoingMessage } from '../../db/outbox.js';
import type { MarketProjection } from '../../db/projections/market-events.js';
import { findStatement } from '../../db/statements.js';
import type { MarketEvent } from '../../domain/market-events.js';
import { formatEur, translatorFor } from '../../i18n/index.js';
import { formatDateTime, statementLink } from '../compose.js';
import { composeNotices, type Notice } from './notice.js';

/** The public addresses of a statement: its consultation, its published page and its OCDS release. */
export const publicLinks = (publicUrl: string, statementId: string) => ({
  consultation: new URL(`/consultations/${statementId}`, publicUrl).toString(),
  statement: new URL(`/published/${statementId}`, publicUrl).toString(),
  ocds: new URL(`/api/public/statements/${statementId}/ocds.json`, publicUrl).toString(),
});

/** Signatories that agreed to be named, and how many others signed. */
export function namedSignatories(orgs: readonly { id: string; name: string }[], named: ReadonlySet<string>): string {
  const names = orgs
    .filter((o) => named.has(o.id))
    .map((o) => o.name)
    .sort();
  const others = orgs.length - names.length;
  return [...names, ...(others > 0 ? [`+${others}`] : [])].join(', ');
}

/** An amount in a viewer's language, or the words that say it is withheld. */
export function amountOrWithheld(amount: string | null, locale: string): string {
  return amount === null ? translatorFor(locale)('disclosure.withheldValue') : formatEur(amount, locale);
}

/** What one market event's notices need: the event, what it wrote, and its statement. */
interface NoticeContext<E extends MarketEvent> {
  trx: Tx;
  publicUrl: string;
  event: E;
  projection: MarketProjection;
  title: string;
  leadOrgId: string;
  link: string;
}

type NoticeTable = {
  [K in MarketEvent['kind']]: (c: NoticeContext<Extract<MarketEvent, { kind: K }>>) => Promise<Notice[]>;
};

const eventKey = (c: NoticeContext<MarketEvent>) => `${c.event.kind}:${c.event.statementId}:${c.event.eventKey}`;
const none = async (): Promise<Notice[]> => [];

/**
 * Who is told of each market event, with which template. Every message is keyed so that an
 * event recorded twice (a retry) enqueues nothing twice (the outbox key is unique). Suppliers
 * hear of a consultation, an answer or a publication through the paged fan-out instead
 * (`queueSupplierNotices`), not here.
 */
const marketNotices: NoticeTable = {
  consultation_opened: none,
  approval_opened: async (c) => [
    {
      to: c.event.approverOrgIds,
      key: eventKey(c),
      template: 'mail.approvalOpened',
      params: (r) => ({
        title: c.title,
        version: String(c.event.version),
        deadline: formatDateTime(c.event.deadline, r.locale),
        link: c.link,
      }),
    },
  ],
  statement_text_revised: async (c) => [
    {
      to: c.event.approverOrgIds,
      key: eventKey(c),
      template: 'mail.approvalOpened',
      params: (r) => ({
        title: c.title,
        version: String(c.event.version),
        deadline: c.event.deadline ? formatDateTime(c.event.deadline, r.locale) : '',
        link: c.link,
      }),
    },
  ],
  approval_decided: async (c) => {
    if (c.event.decision !== 'changes_requested') return [];
    const org = await findOrganisation(c.trx, c.event.orgId);
    return [
      {
        to: [c.leadOrgId],
        key: eventKey(c),
        template: 'mail.changesRequested',
        params: () => ({
          title: c.title,
          orgName: org?.name ?? '',
          version: String(c.event.version),
          comment: c.event.comment ?? '',
          link: c.link,
        }),
      },
    ];
  },
  approval_deadline_passed: async (c) => [
    {
      to: [c.leadOrgId],
      key: eventKey(c),
      template: 'mail.approvalDeadlinePassed',
      params: (r) => ({
        title: c.title,
        missing: translatorFor(r.locale)('mail.approvalDeadlinePassed.missing', {
          count: c.event.missingOrgIds.length,
          version: String(c.event.version),
        }),
        link: c.link,
      }),
    },
  ],
  proceed_without_missing: none,
  statement_published: async (c) => {
    // Nothing was published (it had been already): nobody is told again.
    const published = c.projection.published;
    if (!published) return [];
    const names = namedSignatories(published.signatories, published.named);
    const params = (r: { locale: string }) => ({
      title: c.title,
      version: String(c.event.version),
      signatories: names,
      value: amountOrWithheld(published.valueEur, r.locale),
      link: publicLinks(c.publicUrl, c.event.statementId).statement,
    });
    // Keyed on the publication: one notice per publication and person, whichever event publishes it.
    return [
      {
        to: 'commission',
        key: `commission-notice:${c.event.publicationId}`,
        template: 'mail.statementPublished',
        params,
      },
      {
        to: c.event.signatoryOrgIds,
        key: `published:${c.event.publicationId}`,
        template: 'mail.statementPublished',
        params,
      },
    ];
  },
  signatory_requested: async (c) => {
    const org = await findOrganisation(c.trx, c.event.orgId);
    return [
      {
        to: [c.leadOrgId],
        key: eventKey(c),
        template: 'mail.signatoryRequested',
        params: () => ({ title: c.title, orgName: org?.name ?? '', link: c.link }),
      },
    ];
  },
  signatory_decided: none,
};

/** The messages one recorded market event sends, in each recipient's language. */
export async function composeMarketNotices(
  trx: Tx,
  deps: { publicUrl: string },
  event: MarketEvent,
  projection: MarketProjection,
): Promise<OutgoingMessage[]> {
  const statement = await findStatement(trx, event.statementId);
  const context: NoticeContext<MarketEvent> = {
    trx,
    publicUrl: deps.publicUrl,
    event,
    projection,
    title: statement?.title ?? '',
    leadOrgId: statement?.lead_org_id ?? '',
    link: statementLink(deps.publicUrl, event.statementId),
  };
  const notices = await (marketNotices[event.kind] as (c: NoticeContext<MarketEvent>) => Promise<Notice[]>)(context);
  return composeNotices(trx, event.statementId, notices);
}
