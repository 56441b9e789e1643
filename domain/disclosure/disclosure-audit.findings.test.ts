import { describe, expect, it } from 'vitest';
import type { ConfirmedNeed } from '../aggregation.js';
import { auditDisclosure, describeLeak, type AuditInput, type AuditReport, type AuditViewer } from '../../test/support/disclosure-auditor.js';
import { buyer, everyViewer, line, publish, type PublishOptions } from '../../test/support/disclosure-fixtures.js';

/**
 * What the auditor still finds in the disclosure control of domain/disclosure: each case is the
 * smallest statement found that shows one way a viewer narrows a sensitive figure to within
 * ±15 % (the holes it found first are closed, and their cases are in disclosure-audit.test.ts).
 * The first test checks the auditor finds each leak as described, and prints them; then each
 * case is written as the test it should pass, no leak, marked `it.fails`: the suite stays green
 * while the leak is there. When one is fixed, both tests say so: drop the case from the first
 * and the `.fails` from its own.
 */

async function audit(versions: readonly (readonly ConfirmedNeed[])[], options: PublishOptions, attacker: AuditInput['attacker'], viewers?: AuditViewer[]): Promise<AuditReport> {
  const published = await publish(versions, options);
  return auditDisclosure({ versions: published.versions, viewers: viewers ?? everyViewer(versions), consenting: options.consenting ?? [], attacker });
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const fi = (...names: string[]) => names.map((n) => buyer(n, 'FI'));

const cases = {
  /**
   * statistical-tables.ts now relates each buyer's total to its country and type (the buyer list),
   * but suppression.ts never audits a buyer's total as a figure of its own, only the published
   * cells. Viken is the only regional authority outside Sweden: the printed regional total minus
   * the printed Sweden (whose three buyers include both Swedish regions) bounds Viken's total from
   * below to within 15 %, for anyone; Stockholm, the third Swedish buyer, takes off its own part
   * and has Viken's total exactly.
   */
  buyerTotals: once(() =>
    audit(
      [
        (
          [
            ['helsinki', 'FI', 'la', '15'],
            ['vantaa', 'FI', 'la', '12'],
            ['espoo', 'FI', 'la', '10'],
            ['traficom', 'FI', 'cga', '8'],
            ['viken', 'NO', 'ra', '190'],
            ['bodo', 'NO', 'la', '5'],
            ['tromso', 'NO', 'la', '5'],
            ['ruter', 'NO', 'body-pl', '20'],
            ['bane', 'NO', 'body-pl', '20'],
            ['avinor', 'NO', 'body-pl', '20'],
            ['skane', 'SE', 'ra', '40'],
            ['vgr', 'SE', 'ra', '40'],
            ['stockholm', 'SE', 'la', '18'],
          ] as const
        ).map(([org, country, type, quantity]) => line(buyer(org, country, type), '34144710', quantity, '100000', { unit: 'H87' })),
      ],
      {},
      {},
      ['outsider', { participant: 'stockholm' }],
    ),
  ),

  /**
   * protected-views.ts shows the critical-mass verdict always. The only rule is on Helsinki's and
   * Vantaa's excavators, withheld; the group needs 8 and has 8, so "met" bounds the withheld
   * quantity from below at 8. (The other audits take the verdict as the statement's stage,
   * known anyway; this one does not.)
   */
  verdict: once(() => {
    const [hel, van, esp] = fi('helsinki', 'vantaa', 'espoo');
    const needs = [...[hel!, van!, esp!, buyer('oslo', 'NO'), buyer('barcelona', 'ES')].map((b) => line(b, '34144710', '3', '420000')), line(hel!, '43262100', '5', '310000'), line(van!, '43262100', '3', '310000')];
    return audit([needs], { criticalMass: { minQuantityPerCpv: [{ cpvCode: '43262100', unit: 'C62', minQuantity: '8' }] } }, { buyerList: false, verdictIsStage: false }, ['outsider']);
  }),

  /**
   * Against an attacker who uses that every listed buyer has at least one line (stronger than
   * τ-ARGUS's a-priori bounds, which the other audits keep), the printed total line count less
   * a line for each buyer elsewhere bounds Finland's withheld line count: the core takes a hidden
   * count to be only ≥ 0.
   */
  existence: once(() => {
    const [hel, van] = fi('helsinki', 'vantaa');
    const others = [buyer('oslo', 'NO'), buyer('copenhagen', 'DK'), buyer('barcelona', 'ES')];
    const needs = [...[hel!, van!, ...others].map((b, i) => line(b, '34144710', String(2 + i), '420000')), line(hel!, '43262100', '5', '310000'), line(van!, '43262100', '3', '310000'), line(buyer('bodo', 'NO'), '45520000', '120', '1400', { unit: 'DAY' })];
    return audit([needs], {}, { buyerList: true, existence: true }, ['outsider']);
  }),
};

const expectNoLeak = (report: AuditReport) => expect(report.leaks.map(describeLeak)).toEqual([]);

describe('findings: leaks the auditor still finds in domain/disclosure', () => {
  it('finds each as described', { timeout: 180_000 }, async () => {
    const found = async (name: keyof typeof cases) => {
      const report = await cases[name]();
      console.log(`${name}:\n  ${report.leaks.map(describeLeak).join('\n  ')}`);
      return report.leaks;
    };
    expect((await found('verdict')).map((l) => `${l.viewer} ${l.cell} ${l.measure}`)).toContain('outsider cpv:43262100 firm:C62');
    const totals = await found('buyerTotals');
    const viken = (viewer: string) => totals.find((l) => l.viewer === viewer && l.cell === 'buyer:viken' && l.measure === 'value')!.interval;
    expect(viken('outsider')[0]).toBeCloseTo(17_200_000, 0);
    expect(viken('participant stockholm')[0]).toBeCloseTo(19_000_000, 0);
    expect(viken('participant stockholm')[1]).toBeCloseTo(19_000_000, 0);
    const existence = await found('existence');
    expect(existence.length).toBeGreaterThan(0);
    expect(existence.every((l) => l.measure === 'lines')).toBe(true);
  });

  it.fails("each buyer's total: a printed type and country give a buyer's total away (suppression.ts audits only the tables' cells)", { timeout: 60_000 }, async () => expectNoLeak(await cases.buyerTotals()));
  it.fails('the critical-mass verdict bounds a withheld quantity (protected-views.ts)', { timeout: 60_000 }, async () => expectNoLeak(await cases.verdict()));
  it.fails('line counts against an attacker who knows each listed buyer has a line (suppression.ts)', { timeout: 60_000 }, async () => expectNoLeak(await cases.existence()));
});
