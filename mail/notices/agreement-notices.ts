import { agreementOrgIds, findAgreement } from '../../db/agreements.js';
import type { Tx } from '../../db/database.js';
import { findOrganisation, findOrganisations } from '../../db/organisations.js';
import type { OutgoingMessage } from '../../db/outbox.js';
import type { AgreementProjection } from '../../db/projections/agreement-events.js';
import { findStatement } from '../../db/statements.js';
import type { AgreementEvent } from '../../domain/agreement-events.js';
import { formatDateTime, statementLink } from '../compose.js';
import { composeNotices, type Notice } from './notice.js';

/** What one agreement event's notices need: the event, what it wrote, and its statement. */
interface NoticeContext<E extends AgreementEvent> {
  trx: Tx;
  event: E;
  projection: AgreementProjection;
  title: string;
  leadOrgId: string;
  /** The agreement's page of the statement. */
  link: string;
}

type NoticeTable = {
  [K in AgreementEvent['kind']]: (c: NoticeContext<Extract<AgreementEvent, { kind: K }>>) => Promise<Notice[]>;
};

const eventKey = (c: NoticeContext<AgreementEvent>) => `${c.event.kind}:${c.event.statementId}:${c.event.eventKey}`;
const none = async (): Promise<Notice[]> => [];
const parties = (c: NoticeContext<AgreementEvent>) => agreementOrgIds(c.trx, c.event.statementId, ['party']);

/** The names of some organisations, in alphabetical order. */
async function namesOf(trx: Tx, orgIds: readonly string[]): Promise<string> {
  const orgs = await findOrganisations(trx, orgIds);
  return orgs
    .map((o) => o.name)
    .sort()
    .join(', ');
}

/** The lead hears that a buyer joined, declined or withdrew. */
async function toLeadAbout(
  c: NoticeContext<Extract<AgreementEvent, { orgId: string }>>,
  template: string,
  extra: Record<string, string> = {},
): Promise<Notice[]> {
  const org = await findOrganisation(c.trx, c.event.orgId);
  return [
    {
      to: [c.leadOrgId],
      key: eventKey(c),
      template,
      params: () => ({ title: c.title, orgName: org?.name ?? '', ...extra, link: c.link }),
    },
  ];
}

/**
 * Who is told of each agreement event, with which template. Every message is keyed so that an
 * event recorded twice (a retry) enqueues nothing twice (the outbox key is unique).
 */
const agreementNotices: NoticeTable = {
  agreement_started: async (c) => {
    const lead = await findOrganisation(c.trx, c.event.leadOrgId);
    return [
      {
        to: c.event.invitedOrgIds,
        key: eventKey(c),
        template: 'mail.agreement.invited',
        params: (r) => ({
          title: c.title,
          leadName: lead?.name ?? '',
          deadline: formatDateTime(c.event.deadline, r.locale),
          link: c.link,
        }),
      },
    ];
  },
  agreement_invited: async (c) => {
    const lead = await findOrganisation(c.trx, c.leadOrgId);
    const agreement = await findAgreement(c.trx, c.event.statementId);
    const deadline = agreement?.signature_deadline ? new Date(agreement.signature_deadline).toISOString() : c.event.at;
    return [
      {
        to: c.event.orgIds,
        key: eventKey(c),
        template: 'mail.agreement.invited',
        params: (r) => ({
          title: c.title,
          leadName: lead?.name ?? '',
          deadline: formatDateTime(deadline, r.locale),
          link: c.link,
        }),
      },
    ];
  },
  agreement_joined: (c) => toLeadAbout(c, 'mail.agreement.joined'),
  agreement_declined: (c) => toLeadAbout(c, 'mail.agreement.declined'),
  agreement_version_proposed: async (c) => [
    {
      // Every party but the one that proposed it.
      to: (await parties(c)).filter((o) => o !== c.event.actor?.orgId),
      key: eventKey(c),
      template: c.event.amendment ? 'mail.agreement.amended' : 'mail.agreement.proposed',
      params: () => ({
        title: c.title,
        version: String(c.event.version),
        note: c.projection.proposed?.note ?? '',
        hash: c.event.contentHash,
        link: c.link,
      }),
    },
  ],
  agreement_signed: none,
  agreement_withdrawn: (c) => toLeadAbout(c, 'mail.agreement.withdrawn', { reason: c.event.reason }),
  agreement_in_force: async (c) => [
    {
      to: await parties(c),
      key: eventKey(c),
      template: 'mail.agreement.inForce',
      params: () => ({ title: c.title, version: String(c.event.version), hash: c.event.versionHash, link: c.link }),
    },
  ],
  agreement_deadline_extended: async (c) => [
    {
      to: await parties(c),
      key: eventKey(c),
      template: 'mail.agreement.deadlineExtended',
      params: (r) => ({ title: c.title, deadline: formatDateTime(c.event.deadline, r.locale), link: c.link }),
    },
  ],
  agreement_reminder_sent: async (c) => [
    {
      to: c.event.orgIds,
      // Keyed on the deadline and offset: one reminder per person and moment, whatever happens.
      key: `agreement-reminder:${c.event.statementId}:${c.event.deadline}:${c.event.offset}`,
      template: 'mail.agreement.reminder',
      params: (r) => ({ title: c.title, deadline: formatDateTime(c.event.deadline, r.locale), link: c.link }),
      signatoriesOnly: true,
    },
  ],
  agreement_deadline_passed: async (c) => {
    const unsigned = await namesOf(c.trx, c.event.unsignedOrgIds);
    return [
      {
        to: [c.leadOrgId],
        key: eventKey(c),
        template: 'mail.agreement.deadlinePassed',
        params: (r) => ({
          title: c.title,
          deadline: formatDateTime(c.event.deadline, r.locale),
          unsigned,
          link: c.link,
        }),
      },
    ];
  },
  agreement_cancelled: async (c) => [
    {
      // Every party and every buyer still invited, but the one that cancelled.
      to: (await agreementOrgIds(c.trx, c.event.statementId, ['party', 'invited'])).filter(
        (o) => o !== c.event.actor?.orgId,
      ),
      key: eventKey(c),
      template: 'mail.agreement.cancelled',
      params: () => ({ title: c.title, reason: c.event.reason, link: c.link }),
    },
  ],
};

/** The messages one recorded agreement event sends, in each recipient's language. */
export async function composeAgreementNotices(
  trx: Tx,
  deps: { publicUrl: string },
  event: AgreementEvent,
  projection: AgreementProjection,
): Promise<OutgoingMessage[]> {
  const statement = await findStatement(trx, event.statementId);
  const context: NoticeContext<AgreementEvent> = {
    trx,
    event,
    projection,
    title: statement?.title ?? '',
    leadOrgId: statement?.lead_org_id ?? '',
    link: `${statementLink(deps.publicUrl, event.statementId)}/agreement`,
  };
  const notices = await (agreementNotices[event.kind] as (c: NoticeContext<AgreementEvent>) => Promise<Notice[]>)(
    context,
  );
  return composeNotices(trx, event.statementId, notices);
}
