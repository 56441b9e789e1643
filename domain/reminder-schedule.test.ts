import { describe, expect, it } from 'vitest';

import { nextClockStep, reminderStillDue } from './reminder-schedule.js';

const day = 86_400_000;
const deadline = Date.parse('2027-03-10T12:00:00Z');
const key = (d: number, offset: string) => `${d}|${offset}`;

describe('the reminder scheduler both processes share', () => {
  it('sleeps until the earliest reminder not sent yet', () => {
    expect(nextClockStep(deadline, deadline - 10 * day, ['P1D', 'P7D'], [], key)).toEqual({
      kind: 'sleep',
      until: deadline - 7 * day,
    });
    expect(nextClockStep(deadline, deadline - 5 * day, ['P1D', 'P7D'], [key(deadline, 'P7D')], key)).toEqual({
      kind: 'sleep',
      until: deadline - day,
    });
  });

  it('names the reminder due now, the earliest first, with its key', () => {
    expect(nextClockStep(deadline, deadline - day, ['P1D', 'P7D'], [], key)).toEqual({
      kind: 'remind',
      offset: 'P7D',
      at: deadline - 7 * day,
      key: key(deadline, 'P7D'),
    });
    expect(nextClockStep(deadline, deadline - day, ['P1D', 'P7D'], [key(deadline, 'P7D')], key)).toEqual({
      kind: 'remind',
      offset: 'P1D',
      at: deadline - day,
      key: key(deadline, 'P1D'),
    });
  });

  it('sleeps until the deadline once every reminder has gone, or without reminders', () => {
    expect(nextClockStep(deadline, deadline - 1000, ['P1D'], [key(deadline, 'P1D')], key)).toEqual({
      kind: 'sleep',
      until: deadline,
    });
    expect(nextClockStep(deadline, deadline - 1000, [], [], key)).toEqual({ kind: 'sleep', until: deadline });
  });

  it('keys reminders by deadline: an extended deadline has reminders of its own', () => {
    const extended = deadline + 7 * day;
    expect(nextClockStep(extended, deadline, ['P7D'], [key(deadline, 'P7D')], key)).toEqual({
      kind: 'remind',
      offset: 'P7D',
      at: deadline,
      key: key(extended, 'P7D'),
    });
  });

  it('skips a reminder whose moment fell before its deadline was set or its stage opened', () => {
    const at = deadline - day;
    expect(reminderStillDue(at, at - 1)).toBe(true);
    expect(reminderStillDue(at, at)).toBe(true);
    expect(reminderStillDue(at, at + 1)).toBe(false);
    expect(reminderStillDue(at, null, at + 1)).toBe(false);
    expect(reminderStillDue(at, null)).toBe(true);
  });
});
