import { commissionStaff, queryDashboard, stageChangesBetween, statementsCreatedBetween } from '../db/dashboard.js';
import type { Db } from '../db/database.js';
import { enqueueMessages } from '../db/outbox.js';
import { digestKeyPrefix } from '../domain/outbox-keys.js';
import { isoWeekOf } from '../domain/pilot-tracking.js';
import { formatEur } from '../i18n/index.js';
import { buyersInCountries } from '../i18n/statement-text.js';
import { composeForEach, formatDateTime, type Recipient } from '../mail/compose.js';
import { activeParticipantStatuses, deadlineStages } from '../rules/stages.js';

export interface DigestActivityDeps {
  db: Db;
  publicUrl: string;
}

/** What one week's digest reports, the same for every recipient; only the language differs. */
export interface DigestContent {
  week: string;
  from: string;
  to: string;
  changes: { title: string; from: string; to: string; at: string }[];
  newPilots: { title: string; lead: string }[];
  overdue: { title: string; stage: string; deadline: string }[];
  /** All overdue pilots; `overdue` lists the first of them. */
  overdueTotal: number;
  published: { title: string; at: string }[];
  totals: { pilots: number; buyers: number; countries: number; valueEur: string };
  link: string;
}

/** At most this many lines per section; the dashboard has the rest. */
const maxLines = 50;

type T = (key: string, values?: Record<string, unknown>) => string;

/** The digest's text sections in one language (pure: the tests read it back). */
export function digestSections(c: DigestContent, locale: string, t: T): string {
  const stage = (s: string) => t(`mail.stageNames.${s}`);
  const section = <X>(heading: string, items: X[], line: (x: X) => string, total = items.length) => {
    const lines = items.slice(0, maxLines).map(line);
    if (total === 0) lines.push(t('mail.weeklyDigest.none'));
    if (total > lines.length && total > 0) lines.push(t('mail.weeklyDigest.more', { count: total - lines.length }));
    return [t(heading, { count: total }), ...lines].join('\n');
  };
  return [
    section('mail.weeklyDigest.changesHeading', c.changes, (x) =>
      t('mail.weeklyDigest.change', {
        title: x.title,
        from: stage(x.from),
        to: stage(x.to),
        at: formatDateTime(x.at, locale),
      }),
    ),
    section('mail.weeklyDigest.newPilotsHeading', c.newPilots, (x) =>
      t('mail.weeklyDigest.newPilot', { title: x.title, lead: x.lead }),
    ),
    section(
      'mail.weeklyDigest.overdueHeading',
      c.overdue,
      (x) =>
        t('mail.weeklyDigest.overdueLine', {
          title: x.title,
          stage: stage(x.stage),
          deadline: formatDateTime(x.deadline, locale),
        }),
      c.overdueTotal,
    ),
    section('mail.weeklyDigest.publishedHeading', c.published, (x) =>
      t('mail.weeklyDigest.publishedLine', { title: x.title, at: formatDateTime(x.at, locale) }),
    ),
    t('mail.weeklyDigest.totals', {
      pilots: t('words.pilots', { count: c.totals.pilots }),
      ...buyersInCountries(c.totals.buyers, c.totals.countries, locale),
      value: formatEur(c.totals.valueEur, locale),
    }),
  ].join('\n\n');
}

export function createDigestActivities(deps: DigestActivityDeps) {
  const { db, publicUrl } = deps;

  /** The week's content: the seven days before `at`, and the pilots overdue at `at`. */
  async function digestContent(at: Date): Promise<DigestContent> {
    const start = new Date(at.getTime() - 7 * 86_400_000);
    const base = { now: at, offset: 0, activeStatuses: activeParticipantStatuses, deadlineStages };
    const [changes, created, overdue, all] = await Promise.all([
      stageChangesBetween(db, start, at),
      statementsCreatedBetween(db, start, at),
      queryDashboard(db, { ...base, overdue: true, limit: maxLines }),
      queryDashboard(db, { ...base, limit: 0 }),
    ]);
    return {
      week: isoWeekOf(at).key,
      from: start.toISOString(),
      to: at.toISOString(),
      changes: changes.map((c) => ({ title: c.title, from: c.from, to: c.to, at: c.at.toISOString() })),
      newPilots: created.map((s) => ({ title: s.title, lead: s.lead_name })),
      overdue: overdue.pilots.map((p) => ({
        title: p.title,
        stage: p.stage,
        deadline: new Date(p.stage_deadline!).toISOString(),
      })),
      overdueTotal: Number(overdue.matching),
      published: changes.filter((c) => c.to === 'published').map((c) => ({ title: c.title, at: c.at.toISOString() })),
      totals: {
        pilots: Number(all.totals.pilots),
        buyers: Number(all.totals.buyers),
        countries: Number(all.totals.countries),
        valueEur: all.totals.value_eur,
      },
      link: new URL('/dashboard', publicUrl).toString(),
    };
  }

  return {
    /**
     * Queues this week's digest for every Commission staff member, in their language. The outbox
     * key (week, recipient) is unique, so a second run in the same week, or a retry, queues nothing.
     */
    async queueWeeklyDigest(input: { at: string }): Promise<{ week: string; recipients: number; queued: number }> {
      const at = new Date(input.at);
      const content = await digestContent(at);
      const staff: Recipient[] = await commissionStaff(db);
      const messages = composeForEach(staff, digestKeyPrefix(content.week), null, 'mail.weeklyDigest', (r, t) => ({
        week: content.week,
        changes: t('words.stageChanges', { count: content.changes.length }),
        overdue: String(content.overdueTotal),
        published: String(content.published.length),
        from: formatDateTime(content.from, r.locale),
        to: formatDateTime(content.to, r.locale),
        sections: digestSections(content, r.locale, t as T),
        link: content.link,
      }));
      const queued = await enqueueMessages(db, messages);
      return { week: content.week, recipients: staff.length, queued };
    },
  };
}

export type DigestActivities = ReturnType<typeof createDigestActivities>;
