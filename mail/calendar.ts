import ical, { ICalAlarmType, ICalCalendarMethod } from 'ical-generator';

import type { DueItem } from '../domain/due.js';
import { translatorFor } from '../i18n/index.js';

/** The calendar's own time base for SEQUENCE: minutes of the deadline since this moment. */
const sequenceEpoch = Date.UTC(2026, 0, 1);
const dayInSeconds = 86_400;

/**
 * A deadline's revision number (SEQUENCE): the deadline's minute since 2026. A deadline only
 * ever moves later (an extension), so a moved deadline has a higher SEQUENCE and a calendar that
 * imports it again replaces the event it holds (same UID) rather than keeping the old one.
 */
export function calendarSequence(deadline: number): number {
  return Math.max(0, Math.floor((deadline - sequenceEpoch) / 60_000));
}

/** The event's UID: the statement and the kind of step, so an update replaces, never duplicates. */
export function calendarUid(item: Pick<DueItem, 'statementId' | 'kind'>, host: string): string {
  return `${item.statementId}.${item.kind}@${host}`;
}

export interface CalendarOptions {
  /** The viewer's language for the summaries. */
  locale: string;
  /** The web application's address; each event links to its page there. */
  publicUrl: string;
  /** DTSTAMP: when this calendar was made (a stored e-mail keeps the moment of its event). */
  stamp: Date;
}

/**
 * The due items with a deadline as an iCalendar (RFC 5545) document, `METHOD:PUBLISH`: one
 * VEVENT per item, in UTC, at the deadline (a moment, DTEND = DTSTART), with a stable UID,
 * SEQUENCE from the deadline, the page's URL, a summary in the viewer's language and a display
 * alarm a day before. Items without a deadline have no place in a calendar and are left out.
 */
export function dueCalendar(items: readonly DueItem[], options: CalendarOptions): string {
  const t = translatorFor(options.locale);
  const host = new URL(options.publicUrl).hostname;
  const calendar = ical({
    name: t('calendar.name'),
    prodId: { company: 'jointdemand', product: 'due', language: options.locale.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    // Feeds are polled: ask for a refresh every hour.
    ttl: 3600,
  });
  for (const item of items) {
    if (item.deadline === null) continue;
    const summary = t(`calendar.kinds.${item.kind}`, { title: item.title });
    const url = new URL(item.link, options.publicUrl).toString();
    const event = calendar.createEvent({
      id: calendarUid(item, host),
      sequence: calendarSequence(item.deadline),
      stamp: options.stamp,
      start: new Date(item.deadline),
      end: new Date(item.deadline),
      timezone: 'UTC',
      summary,
      description: t('calendar.description', { what: summary, link: url }),
      url,
    });
    event.createAlarm({
      type: ICalAlarmType.display,
      triggerBefore: dayInSeconds,
      description: t('calendar.alarm', { summary }),
    });
  }
  return calendar.toString();
}
