import { latestSnapshot } from '../../db/aggregation.js';
import type { Tx } from '../../db/database.js';
import { snapshotDisclosure } from '../../db/disclosure.js';
import { participantStatusesOf } from '../../db/due.js';
import { submittedVersionNumbers } from '../../db/needs.js';
import { findOrganisation } from '../../db/organisations.js';
import type { OutgoingMessage } from '../../db/outbox.js';
import { solverOf, type StatementProjectionDeps } from '../../db/projections/statement-events.js';
import { findStatement, participantOrgIds } from '../../db/statements.js';
import type { Aggregate } from '../../domain/aggregation.js';
import type { CriticalMassVerdict } from '../../domain/critical-mass.js';
import { discloseAggregate, discloseCriticalMass, verdictLimits } from '../../domain/disclosure/protected-views.js';
import { dueItemsFor, type DueStatementFacts } from '../../domain/due.js';
import type { FieldProblem } from '../../domain/errors.js';
import type { StatementEvent } from '../../domain/events.js';
import { droppedReason, type LeavingKind, leavingOf } from '../../domain/leaving.js';
import { failedStepOf } from '../../domain/stuck-pilots.js';
import { formatEur, translatorFor } from '../../i18n/index.js';
import { buyersInCountries } from '../../i18n/statement-text.js';
import { rateMissingCode, rateStaleCode } from '../../rules/exchange-rates.js';
import type { ParticipantStatus, Stage } from '../../rules/stages.js';
import { dueCalendar } from '../calendar.js';
import { formatDateTime, statementLink } from '../compose.js';
import { type Addressee, composeNotices, type Notice } from './notice.js';

/**
 * Each recipient's deadlines on the statement as it stands after the event, as an iCalendar
 * document to attach (mail/calendar.ts): the items the "what is due" rule (domain/due.ts) lists
 * for the recipient's organisation and user. None (no attachment) where nothing with a deadline
 * is due, e.g. an invitation sent before the needs assessment opens. The same UIDs as the
 * personal feed, so a calendar that has both keeps one event per step, and a later message (a
 * deadline extended) replaces the event with a higher SEQUENCE.
 */
async function dueCalendars(
  c: NoticeContext<StatementEvent>,
  orgIds: readonly string[],
): Promise<(r: Addressee) => string | undefined> {
  const statement = await findStatement(c.trx, c.event.statementId);
  if (!statement || statement.stage_deadline === null) return () => undefined;
  const statuses = await participantStatusesOf(c.trx, statement.id, orgIds);
  const stamp = new Date();
  return (r) => {
    const principal = {
      userId: r.id,
      orgId: r.orgId,
      orgKind: 'buyer' as const,
      isAdmin: false,
      roles: r.roles,
      via: 'session' as const,
    };
    const facts: DueStatementFacts = {
      statementId: statement.id,
      title: statement.title,
      leadOrgId: statement.lead_org_id,
      stage: statement.stage as Stage,
      participantStatus: statuses.get(r.orgId) ?? null,
      deadline: statement.stage_deadline?.getTime() ?? null,
      // Sent as a stage opens or its deadline moves; a decision already taken drops out of the feed.
      decidedOnCurrentText: false,
      agreement: null,
    };
    const items = dueItemsFor(principal, [facts], [], stamp.getTime());
    return items.some((i) => i.deadline !== null)
      ? dueCalendar(items, { locale: r.locale, publicUrl: c.deps.publicUrl, stamp })
      : undefined;
  };
}

/** Everyone still taking part or still able to (invited); not those who declined, withdrew or dropped out. */
const involved: ParticipantStatus[] = ['invited', 'joined', 'submitted', 'confirmed'];

/** What one event's notice needs: the event as projected, its statement and the audit data it recorded. */
interface NoticeContext<E extends StatementEvent> {
  trx: Tx;
  deps: StatementProjectionDeps;
  event: E;
  audit: Record<string, unknown>;
  title: string;
  leadOrgId: string;
  link: string;
}

type NoticeTable = {
  [K in StatementEvent['kind']]: (c: NoticeContext<Extract<StatementEvent, { kind: K }>>) => Promise<Notice[]>;
};

const eventKey = (c: NoticeContext<StatementEvent>) => `${c.event.kind}:${c.event.statementId}:${c.event.eventKey}`;
const none = async (): Promise<Notice[]> => [];

/**
 * Who is told of each statement event, with which template. Every message is keyed so that an
 * event recorded twice (a retry) enqueues nothing twice (the outbox key is unique).
 */
const statementNotices: NoticeTable = {
  statement_created: none,
  statement_edited: none,
  survey_defined: async (c) =>
    c.event.replacesDraft
      ? []
      : [
          {
            to: await participantOrgIds(c.trx, c.event.statementId, ['invited', 'joined', 'submitted']),
            key: eventKey(c),
            template: 'mail.surveyChanged',
            params: () => ({ title: c.title, version: String(c.event.version), link: c.link }),
          },
        ],
  buyers_invited: async (c) => {
    const lead = await findOrganisation(c.trx, c.leadOrgId);
    const invited = c.audit.organisationIds as string[];
    const calendar = await dueCalendars(c, invited);
    return [
      {
        to: invited,
        key: `invitation:${c.event.statementId}`,
        template: 'mail.invitation',
        params: (r) => ({ title: c.title, leadName: lead!.name, orgName: r.orgName, link: c.link }),
        // The deadline the invitee faces (none before the needs assessment opens: no attachment).
        calendar,
      },
    ];
  },
  invitation_answered: async (c) => {
    const org = await findOrganisation(c.trx, c.event.orgId);
    return [
      {
        to: [c.leadOrgId],
        key: `invitation-answer:${c.event.statementId}:${c.event.orgId}`,
        template: 'mail.invitationAnswered',
        params: (_r, t) => ({
          title: c.title,
          orgName: org!.name,
          answer: t(c.event.accepted ? 'mail.invitationAnswered.accepted' : 'mail.invitationAnswered.declined'),
          reasonLine: c.event.reason ? t('mail.invitationAnswered.reason', { reason: c.event.reason }) : '',
          link: c.link,
        }),
      },
    ];
  },
  needs_submitted: async (c) => [
    {
      to: [c.event.orgId],
      key: eventKey(c),
      template: 'mail.needsSubmitted',
      params: (r) => ({
        title: c.title,
        orgName: r.orgName,
        version: String(c.event.version),
        lines: translatorFor(r.locale)('words.needLines', { count: Number(c.audit.lines) }),
        link: c.link,
      }),
    },
  ],
  needs_withdrawn: async (c) => {
    const org = await findOrganisation(c.trx, c.event.orgId);
    return [
      {
        to: [c.leadOrgId],
        key: eventKey(c),
        template: 'mail.needsWithdrawn',
        params: () => ({ title: c.title, orgName: org!.name, reason: c.event.reason, link: c.link }),
      },
    ];
  },
  needs_confirmed: none,
  deadline_extended: async (c) => {
    const to = await participantOrgIds(c.trx, c.event.statementId, involved);
    return [
      {
        to,
        key: eventKey(c),
        template: 'mail.deadlineExtended',
        params: (r, t) => ({
          title: c.title,
          stage: t(`mail.stageNames.${c.event.stage}`),
          deadline: formatDateTime(c.event.deadline, r.locale),
          link: c.link,
        }),
        // The moved deadline: the same UID with a higher SEQUENCE replaces the event in a calendar.
        calendar: await dueCalendars(c, to),
      },
    ];
  },
  reminder_sent: async (c) => {
    const orgIds = await participantOrgIds(c.trx, c.event.statementId, c.event.statuses);
    c.audit.organisationIds = orgIds;
    // Keyed on the deadline and offset, not the event: whatever happens, one reminder per person.
    return [
      {
        to: orgIds,
        key: `reminder:${c.event.statementId}:${c.event.stage}:${c.event.deadline}:${c.event.offset}`,
        template: `mail.reminder.${c.event.stage}`,
        params: (r) => ({ title: c.title, deadline: formatDateTime(c.event.deadline, r.locale), link: c.link }),
        calendar: await dueCalendars(c, orgIds),
      },
    ];
  },
  // Each is told what it had not done, and whether the deadline passed or the lead closed the stage early.
  participants_dropped: async (c) => {
    const stage = c.event.stage === 'confirmation' ? 'confirmation' : 'needs_assessment';
    const statusReason = droppedReason(stage, c.event.closedEarly === true);
    const byKind = new Map<LeavingKind, string[]>();
    for (const d of c.audit.dropped as { orgId: string; from: ParticipantStatus | null }[]) {
      const kind =
        leavingOf({ status: 'dropped', droppedFrom: d.from ?? null, statusReason }) ?? 'notSubmittedAtDeadline';
      byKind.set(kind, [...(byKind.get(kind) ?? []), d.orgId]);
    }
    return [...byKind].map(([kind, to]) => ({
      to,
      key: eventKey(c),
      template: 'mail.dropped',
      params: (r, t) => ({ title: c.title, orgName: r.orgName, reason: t(`mail.dropped.${kind}`), link: c.link }),
    }));
  },
  participants_restored: none,
  aggregation_blocked: async (c) => [
    {
      to: [c.leadOrgId],
      key: eventKey(c),
      template: 'mail.aggregationBlocked',
      params: (r, t) => {
        // A missing or stale exchange rate is worded in the lead's language, naming each currency
        // and what the administrator does (issue 18); any other problem keeps the server's rule.
        const rates = c.event.problems.filter((p) => p.code === rateMissingCode || p.code === rateStaleCode);
        if (rates.length === 0 || rates.length !== c.event.problems.length) {
          return {
            title: c.title,
            message: c.event.message,
            problems: c.event.problems.map((p) => `- ${p.field}: ${p.rule}`).join('\n'),
            link: c.link,
          };
        }
        const day = (iso: unknown) =>
          typeof iso === 'string'
            ? new Intl.DateTimeFormat(r.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
                new Date(`${iso}T00:00:00Z`),
              )
            : '';
        const line = (p: FieldProblem) => {
          const v = p.values ?? {};
          if (p.code === rateStaleCode) {
            return t('mail.rateBlocked.stale', {
              currency: v.currency,
              date: day(v.rateDate),
              count: Number(v.ageDays),
              max: v.maxAgeDays,
            });
          }
          return v.tableDate
            ? t('mail.rateBlocked.missing', { currency: v.currency, date: day(v.tableDate) })
            : t('mail.rateBlocked.missingNoTable', { currency: v.currency });
        };
        return {
          title: c.title,
          message: t('mail.rateBlocked.message'),
          problems: [...rates.map(line), t('mail.rateBlocked.whatToDo')].join('\n'),
          link: c.link,
        };
      },
    },
  ],
  // The lead, who alone can repair it, is told once per failure (a retried activity finds the key
  // taken) what failed and the ways out. Not for mail that cannot go out: this would be mail too,
  // and each new attempt to send would fail and tell again; the statement page shows it.
  process_failed: async (c) => {
    const step = failedStepOf(c.event.step);
    if (step.kind === 'mail') return [];
    return [
      {
        to: [c.leadOrgId],
        key: eventKey(c),
        template: 'mail.processFailed',
        params: (r, t) => ({
          title: c.title,
          step: t(`mail.processFailed.step.${step.kind}`, {
            stage: step.stage ? t(`mail.stageNames.${step.stage}`) : '',
          }),
          time: formatDateTime(c.event.at, r.locale),
          actions: c.event.actions.map((a) => `- ${t(`mail.processFailed.actions.${a}`)}`).join('\n'),
          link: c.link,
        }),
      },
    ];
  },
  shortfall_decided: async (c) =>
    c.event.decision === 'proceed'
      ? [
          {
            to: await participantOrgIds(c.trx, c.event.statementId, ['confirmed']),
            key: eventKey(c),
            template: 'mail.proceeded',
            params: () => ({ title: c.title, reason: c.event.reason ?? '', link: c.link }),
          },
        ]
      : [],
  stage_changed: async (c) => {
    const { event } = c;
    if (event.to === 'needs_assessment') {
      // Reopened after a shortfall: those who already confirmed are told the new deadline too.
      const orgIds = await participantOrgIds(
        c.trx,
        event.statementId,
        event.from === 'shortfall' ? ['joined', 'submitted', 'confirmed'] : ['joined', 'submitted'],
      );
      return [
        {
          to: orgIds,
          key: eventKey(c),
          template: 'mail.stageOpened.needs_assessment',
          params: (r) => ({ title: c.title, deadline: formatDateTime(event.deadline!, r.locale), link: c.link }),
          calendar: await dueCalendars(c, orgIds),
        },
      ];
    }
    if (event.to === 'confirmation') {
      const versionOf = await submittedVersionNumbers(c.trx, event.statementId);
      const submitted = await participantOrgIds(c.trx, event.statementId, ['submitted']);
      return [
        {
          to: submitted,
          calendar: await dueCalendars(c, submitted),
          key: eventKey(c),
          template: 'mail.confirmationOpened',
          params: (r) => ({
            title: c.title,
            orgName: r.orgName,
            version: String(versionOf.get(r.orgId) ?? ''),
            deadline: formatDateTime(event.deadline!, r.locale),
            link: c.link,
          }),
        },
      ];
    }
    if (event.to === 'shortfall' || (event.to === 'market_engagement' && event.from === 'aggregation')) {
      const snapshot = (await latestSnapshot(c.trx, event.statementId))!;
      const aggregate = snapshot.aggregate as Aggregate;
      const verdict = snapshot.critical_mass as CriticalMassVerdict;
      // The lead reads every figure; the other buyers what the disclosure pattern leaves.
      const pattern = await snapshotDisclosure(c.trx, solverOf(c.deps), snapshot.id);
      const seenBy = (orgId: string) => (orgId === c.leadOrgId ? null : pattern);
      const confirmed = await participantOrgIds(c.trx, event.statementId, ['confirmed']);
      return [
        {
          to: [...new Set([c.leadOrgId, ...confirmed])],
          key: eventKey(c),
          template: event.to === 'shortfall' ? 'mail.shortfall' : 'mail.criticalMassMet',
          params: (r) => {
            const withheld = translatorFor(r.locale)('disclosure.withheldValue');
            // Shown beside the minimum the verdict compares it with (rules/money.ts).
            const limits = verdictLimits(verdict, null);
            const value = discloseAggregate(aggregate, seenBy(r.orgId), limits).totals.valueEur;
            return {
              title: c.title,
              value: value === null ? withheld : formatEur(value, r.locale, limits),
              ...buyersInCountries(aggregate.totals.buyers, aggregate.totals.countries, r.locale),
              failures: discloseCriticalMass(verdict, seenBy(r.orgId))
                .results.filter((x) => x.met === false || (x.withheld && !verdict.met))
                .map((x) =>
                  x.withheld ? `- ${x.field}: ${withheld}` : `- ${x.field}: ${x.actual} / ${x.required} (${x.gap})`,
                )
                .join('\n'),
              deadline: event.deadline ? formatDateTime(event.deadline, r.locale) : '',
              link: c.link,
            };
          },
        },
      ];
    }
    if (event.to === 'abandoned' || event.to === 'cancelled') {
      return [
        {
          to: await participantOrgIds(c.trx, event.statementId, involved),
          key: eventKey(c),
          template: event.to === 'abandoned' ? 'mail.abandoned' : 'mail.cancelled',
          params: () => ({ title: c.title, reason: event.reason ?? '', link: c.link }),
        },
      ];
    }
    return [];
  },
};

/** The messages one recorded statement event sends, in each recipient's language. */
export async function composeStatementNotices(
  trx: Tx,
  deps: StatementProjectionDeps,
  event: StatementEvent,
  audit: Record<string, unknown>,
): Promise<OutgoingMessage[]> {
  // An event that tells nobody (a confirmation, the rush's most frequent) reads nothing.
  if (statementNotices[event.kind] === none) return [];
  const statement = await findStatement(trx, event.statementId);
  const context: NoticeContext<StatementEvent> = {
    trx,
    deps,
    event,
    audit,
    title: statement?.title ?? '',
    leadOrgId: statement?.lead_org_id ?? '',
    link: statementLink(deps.publicUrl, event.statementId),
  };
  const notices = await (statementNotices[event.kind] as (c: NoticeContext<StatementEvent>) => Promise<Notice[]>)(
    context,
  );
  return composeNotices(trx, event.statementId, notices);
}
