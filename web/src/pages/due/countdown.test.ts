import { describe, expect, it } from 'vitest';

import { countdown } from './countdown';

/** French and German put no-break spaces between a number and its unit. */
const plain = (c: { overdue: boolean; text: string }) => ({ ...c, text: c.text.replace(/[\s\u00a0\u202f]+/g, ' ') });
const now = Date.parse('2026-06-01T12:00:00Z');
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('countdown', () => {
  it('says how long is left, in the larger unit and the next one', () => {
    expect(countdown(now + 3 * day + 4 * hour + 5 * minute, now, 'en')).toEqual({
      overdue: false,
      text: 'in 3 days 4 hours',
    });
    expect(countdown(now + 2 * hour + 30 * minute, now, 'en').text).toBe('in 2 hours 30 minutes');
    expect(countdown(now + 5 * hour, now, 'en').text).toBe('in 5 hours');
    expect(countdown(now + 20 * 1000, now, 'en').text).toBe('in 1 minute');
  });

  it('speaks the viewer’s language', () => {
    expect(plain(countdown(now + 3 * day + 4 * hour, now, 'fr')).text).toBe('dans 3 jours 4 heures');
    expect(plain(countdown(now + 3 * day + 4 * hour, now, 'de')).text).toBe('in 3 Tagen 4 Stunden');
  });

  it('a passed deadline is overdue by the time since', () => {
    expect(countdown(now - 2 * hour, now, 'en')).toEqual({ overdue: true, text: '2 hours' });
    expect(plain(countdown(now - day - 3 * hour, now, 'fr'))).toEqual({ overdue: true, text: '1 jour et 3 heures' });
  });
});
