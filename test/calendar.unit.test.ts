import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import type { DueItem } from '../domain/due.js';
import { calendarSequence, dueCalendar } from '../mail/calendar.js';

const deadline = Date.parse('2026-06-04T14:00:00Z');
const items: DueItem[] = [
  {
    key: 's1/submitNeeds',
    statementId: '0f6c7f1e-1111-4e0e-9c55-1c1f1b2a9a01',
    title: 'Zero-emission construction machinery',
    kind: 'submitNeeds',
    deadline,
    link: '/statements/0f6c7f1e-1111-4e0e-9c55-1c1f1b2a9a01/needs',
  },
  {
    key: 's2/answerInvitation',
    statementId: 's2',
    title: 'No deadline yet',
    kind: 'answerInvitation',
    deadline: null,
    link: '/statements/s2',
  },
];

const parse = (text: string) => new ICAL.Component(ICAL.parse(text));
const options = { locale: 'fr', publicUrl: 'https://demand.example.eu', stamp: new Date('2026-06-01T12:00:00Z') };

describe('dueCalendar', () => {
  it('writes each deadline as a VEVENT in UTC with a stable UID, SEQUENCE, URL, a summary in the viewer’s language and an alarm a day before', () => {
    const calendar = parse(dueCalendar(items, options));
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const events = calendar.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    const event = new ICAL.Event(events[0]!);
    expect(event.uid).toBe('0f6c7f1e-1111-4e0e-9c55-1c1f1b2a9a01.submitNeeds@demand.example.eu');
    expect(event.startDate.toJSDate().getTime()).toBe(deadline);
    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(event.summary).toBe('Soumettre vos besoins : Zero-emission construction machinery');
    expect(events[0]!.getFirstPropertyValue('url')).toBe(
      'https://demand.example.eu/statements/0f6c7f1e-1111-4e0e-9c55-1c1f1b2a9a01/needs',
    );
    expect(events[0]!.getFirstPropertyValue('sequence')).toBe(calendarSequence(deadline));
    const stamp = events[0]!.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.toJSDate().toISOString()).toBe('2026-06-01T12:00:00.000Z');
    const alarm = events[0]!.getFirstSubcomponent('valarm')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect((alarm.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-86_400);
  });

  it('an extended deadline keeps the UID and raises the SEQUENCE, so a calendar replaces the event', () => {
    const before = new ICAL.Event(parse(dueCalendar(items, options)).getFirstSubcomponent('vevent')!);
    const later = [{ ...items[0]!, deadline: deadline + 3 * 86_400_000 }];
    const after = new ICAL.Event(parse(dueCalendar(later, options)).getFirstSubcomponent('vevent')!);
    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });

  it('an empty list is a valid calendar without events', () => {
    const calendar = parse(dueCalendar([], { ...options, locale: 'de' }));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(0);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Fällig: jointdemand');
  });
});
