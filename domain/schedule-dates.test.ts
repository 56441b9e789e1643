import { describe, expect, it } from 'vitest';

import { earliestDateToday, scheduleDateFindings } from './schedule-dates.js';

const stages = { needsAssessment: 'P30D', confirmation: 'P14D', marketEngagement: 'P30D', approval: 'P14D' };
const today = '2026-12-04';
const findings = (s: { deliveryFromYear: number; deliveryToYear: number; expectedProcurementStart: string }) =>
  scheduleDateFindings({ ...stages, ...s }, today);

describe('the statement’s dates against the calendar', () => {
  it('says nothing about a procurement after the stages and deliveries after it', () => {
    expect(findings({ deliveryFromYear: 2027, deliveryToYear: 2030, expectedProcurementStart: '2027-06-01' })).toEqual({
      refusals: [],
      warnings: [],
    });
  });

  it('refuses a procurement start before today, naming Art. 40 and Art. 5(4)', () => {
    const { refusals } = findings({
      deliveryFromYear: 2027,
      deliveryToYear: 2028,
      expectedProcurementStart: '2021-03-01',
    });
    expect(refusals).toEqual([
      {
        field: 'schedule.expectedProcurementStart',
        rule: expect.stringMatching(/^must not be before today \(2026-12-04\).*Art\. 40.*Art\. 5\(4\)/),
      },
    ]);
    // Today itself is not in the past.
    expect(
      findings({ deliveryFromYear: 2027, deliveryToYear: 2028, expectedProcurementStart: today }).refusals,
    ).toEqual([]);
  });

  it('refuses a delivery window that has wholly passed, or ends before the procurement starts', () => {
    expect(
      findings({ deliveryFromYear: 2019, deliveryToYear: 2022, expectedProcurementStart: '2027-06-01' }).refusals,
    ).toEqual([
      { field: 'schedule.deliveryToYear', rule: expect.stringMatching(/^must not be before this year \(2026\)/) },
    ]);
    expect(
      findings({ deliveryFromYear: 2026, deliveryToYear: 2027, expectedProcurementStart: '2028-06-01' }).refusals,
    ).toEqual([
      {
        field: 'schedule.deliveryToYear',
        rule: expect.stringMatching(/^must not be before the year the procurement is expected to start \(2028\)/),
      },
    ]);
  });

  it('warns of a window that starts in the past or before the procurement but reaches beyond', () => {
    expect(findings({ deliveryFromYear: 2024, deliveryToYear: 2029, expectedProcurementStart: '2027-06-01' })).toEqual({
      refusals: [],
      warnings: [
        expect.objectContaining({
          field: 'schedule.deliveryFromYear',
          code: 'deliveryStartsInPastYear',
          limit: '2026',
        }),
      ],
    });
    expect(
      findings({ deliveryFromYear: 2027, deliveryToYear: 2029, expectedProcurementStart: '2028-06-01' }).warnings,
    ).toEqual([
      expect.objectContaining({
        field: 'schedule.deliveryFromYear',
        code: 'deliveryStartsBeforeProcurement',
        limit: '2028',
      }),
    ]);
  });

  it('warns of a procurement that starts before the statement’s own stages end (Art. 40)', () => {
    // 30 + 14 + 30 + 14 = 88 days after 2026-12-04 is 2027-03-02.
    expect(
      findings({ deliveryFromYear: 2027, deliveryToYear: 2029, expectedProcurementStart: '2027-03-01' }).warnings,
    ).toEqual([
      expect.objectContaining({
        field: 'schedule.expectedProcurementStart',
        code: 'procurementStartsBeforeStagesEnd',
        limit: '2027-03-02',
        rule: expect.stringContaining('Art. 40'),
      }),
    ]);
    expect(
      findings({ deliveryFromYear: 2027, deliveryToYear: 2029, expectedProcurementStart: '2027-03-02' }).warnings,
    ).toEqual([]);
    // Stages of seconds (as tests run them) end the same day.
    expect(
      scheduleDateFindings(
        {
          needsAssessment: 'PT5S',
          confirmation: 'PT5S',
          marketEngagement: 'PT5S',
          approval: 'PT5S',
          deliveryFromYear: 2027,
          deliveryToYear: 2027,
          expectedProcurementStart: '2026-12-05',
        },
        today,
      ).warnings,
    ).toEqual([]);
  });

  it('takes today as the earliest calendar date anywhere on earth, so no one’s own today is in the past', () => {
    expect(earliestDateToday(Date.parse('2026-12-05T11:59:00Z'))).toBe('2026-12-04');
    expect(earliestDateToday(Date.parse('2026-12-05T12:00:00Z'))).toBe('2026-12-05');
  });
});
