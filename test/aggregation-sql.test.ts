import { randomUUID } from 'node:crypto';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { aggregateConfirmedNeeds } from '../db/aggregation.js';
import { createDb, type Db } from '../db/database.js';
import { insertNeedVersion, setNeedVersionStatus, withdrawOpenVersions } from '../db/needs.js';
import { insertOrganisation, insertUser } from '../db/organisations.js';
import { CPV_FILE, locateReferenceData, readCpvFile } from '../db/reference-data-files.js';
import { insertInvitedParticipants, insertStatement, setParticipantStatus } from '../db/statements.js';
import { type Aggregate, aggregateDemand, type ConfirmedNeed, type ConfirmedNeedLine } from '../domain/aggregation.js';
import { DomainError } from '../domain/errors.js';
import type { ExchangeRateTable } from '../domain/money.js';
import type { NeedLine } from '../domain/need-lines.js';
import { statementDetailsSchema } from '../domain/statement.js';

/**
 * The SQL aggregation (db/aggregation.ts) on the real PostgreSQL, held to the pure reference
 * (domain/aggregation.ts) on the same needs. Needs are written through the repositories the way
 * the statement activities write them: each submission inserts a version (superseding the one
 * before), then it is confirmed, or left submitted, or withdrawn. Only this database is used;
 * no Temporal worker or API.
 */

type Fate = 'confirmed' | 'submitted' | 'withdrawn';

interface BuyerSpec {
  name: string;
  country: string;
  buyerLegalType: string;
  /** Submitted in order; every one but the last is superseded by the next. None: not in this statement. */
  versions: ConfirmedNeedLine[][];
  /** What became of the last version. */
  fate: Fate;
}

interface Scenario {
  buyers: BuyerSpec[];
  /** Needs confirmed in another statement by some of the same buyers: never part of this one. */
  elsewhere: ConfirmedNeedLine[][];
  rates: ExchangeRateTable;
}

let db: Db;
let lead: { orgId: string; userId: string };

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), 4);
  const org = await insertOrganisation(db, {
    kind: 'buyer',
    name: 'Lead buyer of the SQL aggregation tests',
    country: 'FI',
    buyer_legal_type: 'la',
  });
  const user = await insertUser(db, {
    organisation_id: org.id,
    email: `agg-sql-${randomUUID().slice(0, 8)}@test.example`,
    name: 'Lead',
    roles: [],
  });
  lead = { orgId: org.id, userId: user.id };
});
afterAll(async () => db?.destroy());

async function newStatement(): Promise<string> {
  const id = randomUUID();
  const details = statementDetailsSchema.parse({
    title: 'SQL aggregation check',
    description: 'Needs written straight through the repositories.',
    cpvCodes: ['45000000', '34144900'],
    schedule: { deliveryFromYear: 2026, deliveryToYear: 2034, expectedProcurementStart: '2027-03-01' },
  });
  await insertStatement(db, {
    id,
    leadOrgId: lead.orgId,
    createdBy: lead.userId,
    details,
    detailsHash: 'test',
    at: new Date(),
  });
  return id;
}

const toNeedLine = (l: ConfirmedNeedLine, i: number): NeedLine => ({
  cpvCode: l.cpvCode,
  cpvCheckDigit: null,
  description: `Line ${i + 1}`,
  quantity: l.quantity,
  unit: l.unit,
  unitPrice: l.unitPrice,
  currency: l.currency,
  delivery: l.delivery,
  frameworkMonths: l.frameworkMonths,
  frameworkJustification: l.frameworkMonths !== null && l.frameworkMonths > 48 ? 'Test: a longer term' : null,
  optionalQuantity: l.optionalQuantity,
  renewals: l.renewals,
  requirements: '',
});

/**
 * One buyer's history in one statement, as the activities record it: each submission supersedes
 * the previous version; the last is then confirmed, left submitted, or withdrawn.
 */
async function writeHistory(
  statementId: string,
  orgId: string,
  versions: ConfirmedNeedLine[][],
  fate: Fate,
): Promise<string[]> {
  await insertInvitedParticipants(db, { statementId, orgIds: [orgId], invitedBy: lead.userId, at: new Date() });
  await setParticipantStatus(db, {
    statementId,
    orgIds: [orgId],
    status: 'joined',
    reason: null,
    at: new Date(),
    responded: true,
  });
  const ids: string[] = [];
  for (const [i, lines] of versions.entries()) {
    const id = randomUUID();
    await insertNeedVersion(db, {
      id,
      statementId,
      orgId,
      version: i + 1,
      surveyVersion: 1,
      lines: lines.map(toNeedLine),
      answers: {},
      contentHash: `hash-${id}`,
      submittedBy: lead.userId,
      at: new Date(),
    });
    const previous = ids.at(-1);
    if (previous) await setNeedVersionStatus(db, { id: previous, status: 'superseded', at: new Date() });
    await setParticipantStatus(db, { statementId, orgIds: [orgId], status: 'submitted', reason: null, at: new Date() });
    ids.push(id);
  }
  if (fate === 'confirmed') {
    await setNeedVersionStatus(db, { id: ids.at(-1)!, status: 'confirmed', userId: lead.userId, at: new Date() });
    await setParticipantStatus(db, { statementId, orgIds: [orgId], status: 'confirmed', reason: null, at: new Date() });
  } else if (fate === 'withdrawn') {
    await setParticipantStatus(db, {
      statementId,
      orgIds: [orgId],
      status: 'withdrawn',
      reason: 'changed plans',
      at: new Date(),
    });
    await withdrawOpenVersions(db, statementId, orgId);
  }
  return ids;
}

/** Writes the scenario and returns the statement and exactly the confirmed needs the reference should see. */
async function writeScenario(s: Scenario): Promise<{ statementId: string; needs: ConfirmedNeed[] }> {
  const statementId = await newStatement();
  const other = await newStatement();
  const needs: ConfirmedNeed[] = [];
  for (const [b, spec] of s.buyers.entries()) {
    const org = await insertOrganisation(db, {
      kind: 'buyer',
      name: spec.name,
      country: spec.country,
      buyer_legal_type: spec.buyerLegalType,
    });
    const ids = spec.versions.length > 0 ? await writeHistory(statementId, org.id, spec.versions, spec.fate) : [];
    if (spec.fate === 'confirmed' && ids.length > 0) {
      const buyer = { orgId: org.id, name: spec.name, country: spec.country, buyerLegalType: spec.buyerLegalType };
      for (const line of spec.versions.at(-1)!) needs.push({ buyer, versionId: ids.at(-1)!, line });
    }
    const elsewhere = s.elsewhere[b];
    if (elsewhere && elsewhere.length > 0) await writeHistory(other, org.id, [elsewhere], 'confirmed');
  }
  return { statementId, needs };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

function capture(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected the reference to throw');
}

// ---------------------------------------------------------------------------------------------
// Generators. Codes come from a few divisions at every depth (with zeros inside, e.g. 45010000,
// whose ancestors coincide), amounts span the full column width (15 digits . 6), rates up to 10
// decimals, so conversions rarely terminate and the rounding is exercised.

const divisions = ['45', '43', '34', '09'];
const units = ['H87', 'KGM', 'LTR', 'C62', 'HUR'];
const currencies = ['EUR', 'SEK', 'DKK', 'PLN', 'HUF'];
const countries = ['DE', 'FR', 'NO', 'SE', 'FI', 'PL', 'DK'];
const legalTypes = ['la', 'ra', 'cga', 'body-pl'];

const cpvCodeArb = fc.oneof(
  fc.constantFrom(
    '45000000',
    '45200000',
    '45210000',
    '45213000',
    '45213100',
    '45213150',
    '45010000',
    '43260000',
    '43262100',
    '34144900',
    '34144910',
    '09134200',
    // Below the category (Regulation 213/2008, Annex I): 6, 7 and 8 significant digits, and
    // codes whose direct parent the list does not have (30192120, 39250000, 42924000).
    '34144700',
    '34144710',
    '34144750',
    '34144751',
    '30192100',
    '30192121',
    '39254000',
    '39254110',
    '42924700',
    '42924710',
  ),
  fc
    .tuple(
      fc.constantFrom(...divisions),
      fc.array(fc.constantFrom('0', '0', '1', '2', '3', '9'), { minLength: 6, maxLength: 6 }),
      fc.constantFrom(0, 1, 2, 3, 6),
    )
    .map(([division, digits, depth]) => division + digits.slice(0, depth).join('').padEnd(6, '0')),
);

/** A decimal of at most `intDigits`.`scale` digits, written canonically; zero only when allowed. */
function decimalArb(intDigits: number, scale: number, allowZero: boolean) {
  const canonical = ([whole, fraction, places]: [bigint, bigint, number]) => {
    const f =
      places === 0 ? '' : (fraction % 10n ** BigInt(places)).toString().padStart(places, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : `${whole}`;
  };
  const arb = (maxWhole: bigint) =>
    fc
      .tuple(
        fc.bigInt({ min: 0n, max: maxWhole }),
        fc.bigInt({ min: 0n, max: 10n ** BigInt(scale) - 1n }),
        fc.integer({ min: 0, max: scale }),
      )
      .map(canonical);
  return fc.oneof(arb(999n), arb(10n ** BigInt(intDigits) - 1n)).filter((v) => allowZero || !/^0(\.0*)?$/.test(v));
}

const lineArb: fc.Arbitrary<ConfirmedNeedLine> = fc
  .record({
    cpvCode: cpvCodeArb,
    quantity: decimalArb(15, 6, false),
    unit: fc.constantFrom(...units),
    unitPrice: decimalArb(15, 6, false),
    currency: fc.constantFrom(...currencies),
    fromYear: fc.integer({ min: 2026, max: 2031 }),
    span: fc.integer({ min: 0, max: 3 }),
    optionalQuantity: fc.oneof(fc.constant('0'), decimalArb(9, 6, true)),
    renewalCount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 99 })),
    renewalQuantity: decimalArb(9, 6, true),
    frameworkMonths: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
  })
  .map((r) => ({
    cpvCode: r.cpvCode,
    quantity: r.quantity,
    unit: r.unit,
    unitPrice: r.unitPrice,
    currency: r.currency,
    delivery: { fromYear: r.fromYear, toYear: r.fromYear + r.span },
    optionalQuantity: r.optionalQuantity,
    renewals: { count: r.renewalCount, quantityEach: r.renewalCount === 0 ? '0' : r.renewalQuantity },
    frameworkMonths: r.frameworkMonths,
  }));

const rateArb = fc
  .tuple(
    fc.integer({ min: 0, max: 99_999 }),
    fc.bigInt({ min: 1n, max: 10n ** 10n - 1n }),
    fc.integer({ min: 0, max: 10 }),
  )
  .map(([whole, fraction, places]) => {
    const f =
      places === 0 ? '' : (fraction % 10n ** BigInt(places)).toString().padStart(places, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : `${Math.max(1, whole)}`;
  });

const buyerArb: fc.Arbitrary<BuyerSpec> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Buyer ${s}`),
  country: fc.constantFrom(...countries),
  buyerLegalType: fc.constantFrom(...legalTypes),
  // Mostly a line or more; now and then an empty version, which contributes nothing.
  versions: fc.array(fc.array(lineArb, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  fate: fc.constantFrom<Fate>('confirmed', 'confirmed', 'confirmed', 'submitted', 'withdrawn'),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  buyers: fc.array(buyerArb, { minLength: 1, maxLength: 6 }),
  // Lines confirmed elsewhere, in a currency this statement's rate table lacks (GBP).
  elsewhere: fc.array(
    fc.array(
      lineArb.map((l) => ({ ...l, currency: 'GBP' })),
      { minLength: 1, maxLength: 3 },
    ),
    { maxLength: 3 },
  ),
  rates: fc
    .record({ SEK: rateArb, DKK: rateArb, PLN: rateArb, HUF: rateArb })
    .map((r) => ({ date: '2026-11-20', source: 'generated for the test', rates: r })),
});

// ---------------------------------------------------------------------------------------------

describe('the SQL aggregation equals the pure reference', () => {
  it('on random statements: codes across the CPV tree, several units, currencies, years, versions and fates', async () => {
    // AGGREGATION_SQL_RUNS=200 for a longer search.
    const numRuns = Number(process.env.AGGREGATION_SQL_RUNS ?? 15);
    let compared = 0;
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { statementId, needs } = await writeScenario(scenario);
        const expected = aggregateDemand(needs, scenario.rates);
        const actual = await aggregateConfirmedNeeds(db, statementId, scenario.rates);
        expect(actual).toStrictEqual(expected);
        compared += 1;
        if (needs.length > 0) nonEmpty += 1;
      }),
      { numRuns },
    );
    expect(compared).toBeGreaterThanOrEqual(numRuns);
    // The generator must mostly produce statements with something to aggregate.
    expect(nonEmpty).toBeGreaterThanOrEqual(Math.ceil(numRuns / 2));
  });

  it('on every code of the CPV 2008 list: the same tree to the last significant digit (Regulation 213/2008)', async () => {
    const dir = locateReferenceData();
    if (!dir) throw new Error('the CPV 2008 list was not found: set REFERENCE_DATA_DIR');
    const list = await readCpvFile(path.join(dir, CPV_FILE));
    expect(list).toHaveLength(9454);
    const lineOf = (cpvCode: string, i: number): ConfirmedNeedLine => ({
      cpvCode,
      quantity: String(1 + (i % 7)),
      unit: i % 5 === 0 ? 'KGM' : 'H87',
      unitPrice: String(10 + (i % 13)),
      currency: 'EUR',
      delivery: { fromYear: 2027, toYear: 2027 },
      optionalQuantity: '0',
      renewals: { count: 0, quantityEach: '0' },
      frameworkMonths: null,
    });
    // Four buyers share the list, each code once, so buyers are counted across the whole tree.
    const buyers = ['Vantaa', 'Espoo', 'Turku', 'Tampere'].map((name, b) => ({
      name: `${name} (whole CPV list)`,
      country: 'FI',
      buyerLegalType: 'la',
      versions: [list.filter((_, i) => i % 4 === b).map((e, i) => lineOf(e.code8, i * 4 + b))],
      fate: 'confirmed' as const,
    }));
    const rates = { date: '2026-11-20', source: 'test', rates: {} };
    const { statementId, needs } = await writeScenario({ buyers, elsewhere: [], rates });
    const actual = await aggregateConfirmedNeeds(db, statementId, rates);
    expect(actual).toStrictEqual(aggregateDemand(needs, rates));
    // Every listed code is a node, and no node is outside the list.
    expect(actual.byCpv.map((n) => n.cpvCode)).toEqual(list.map((e) => e.code8).sort());
    const node = (code: string) => actual.byCpv.find((n) => n.cpvCode === code)!;
    expect(node('34144710').parentCode).toBe('34144700');
    expect(node('30192121').parentCode).toBe('30192100');
    const under = (code: string) =>
      list.filter((e) => e.code8.startsWith(code.replace(/0+$/, '')) && e.code8 !== code).length;
    expect(node('34144700').lines).toBe(1 + under('34144700'));
  });

  it('on a statement where the same buyer uses sibling codes, codes with zeros inside, and several units under one node', async () => {
    const line = (
      cpvCode: string,
      quantity: string,
      unit: string,
      unitPrice: string,
      currency = 'EUR',
    ): ConfirmedNeedLine => ({
      cpvCode,
      quantity,
      unit,
      unitPrice,
      currency,
      delivery: { fromYear: 2027, toYear: 2027 },
      optionalQuantity: '0',
      renewals: { count: 0, quantityEach: '0' },
      frameworkMonths: null,
    });
    const rates = { date: '2026-11-20', source: 'test', rates: { SEK: '11.2345' } };
    const { statementId, needs } = await writeScenario({
      buyers: [
        {
          name: 'Helsinki',
          country: 'FI',
          buyerLegalType: 'la',
          versions: [
            [
              line('45213100', '2', 'H87', '10'),
              line('45213150', '3', 'H87', '10'),
              line('45010000', '1', 'HUR', '7'),
              line('45000000', '1', 'C62', '5'),
            ],
          ],
          fate: 'confirmed',
        },
        {
          name: 'Stockholm',
          country: 'SE',
          buyerLegalType: 'la',
          versions: [[line('45213100', '1000', 'KGM', '1', 'SEK')]],
          fate: 'confirmed',
        },
      ],
      elsewhere: [],
      rates,
    });
    const actual = await aggregateConfirmedNeeds(db, statementId, rates);
    expect(actual).toStrictEqual(aggregateDemand(needs, rates));
    // Spot checks independent of the reference.
    const node = (code: string) => actual.byCpv.find((n) => n.cpvCode === code)!;
    expect(actual.byCpv.map((n) => n.cpvCode)).toEqual([
      '45000000',
      '45010000',
      '45200000',
      '45210000',
      '45213000',
      '45213100',
      '45213150',
    ]);
    expect(node('45000000')).toMatchObject({ level: 'division', parentCode: null, lines: 5, buyers: 2 });
    expect(node('45010000')).toMatchObject({ level: 'class', parentCode: '45000000', lines: 1, buyers: 1 });
    expect(node('45213000')).toMatchObject({ level: 'category', parentCode: '45210000', lines: 3, buyers: 2 });
    // 45213150 lies under 45213100 (its 7th digit refines the 6th, Regulation 213/2008 Annex I):
    // 2 × 10 EUR + 3 × 10 EUR + 1000 SEK ÷ 11.2345 (= 89.011526992745560550091…, rounded to 20 places).
    expect(node('45213100')).toMatchObject({ level: 'code', parentCode: '45213000', lines: 3, buyers: 2 });
    expect(node('45213100').valueEur).toBe('139.01152699274556055009');
    expect(node('45213150')).toMatchObject({ level: 'code', parentCode: '45213100', lines: 1, buyers: 1 });
  });
});

describe('what the SQL aggregation leaves out', () => {
  it('counts only confirmed versions of this statement: not superseded, submitted, withdrawn, or other statements', async () => {
    const line = (quantity: string, unitPrice: string, currency = 'EUR'): ConfirmedNeedLine => ({
      cpvCode: '34144900',
      quantity,
      unit: 'H87',
      unitPrice,
      currency,
      delivery: { fromYear: 2028, toYear: 2028 },
      optionalQuantity: '0',
      renewals: { count: 0, quantityEach: '0' },
      frameworkMonths: null,
    });
    const rates = { date: '2026-11-20', source: 'test', rates: { SEK: '10' } };
    const { statementId, needs } = await writeScenario({
      buyers: [
        // Superseded v1 (1000 units) is replaced by the confirmed v2 (3 × 100 + 2 × 50 = 400 EUR).
        {
          name: 'Oslo',
          country: 'NO',
          buyerLegalType: 'la',
          versions: [[line('1000', '100')], [line('3', '100'), line('2', '50')]],
          fate: 'confirmed',
        },
        // Submitted but never confirmed, in a currency without a rate: must neither count nor block.
        { name: 'Bergen', country: 'NO', buyerLegalType: 'la', versions: [[line('7', '1', 'GBP')]], fate: 'submitted' },
        { name: 'Aarhus', country: 'DK', buyerLegalType: 'la', versions: [[line('9', '1', 'GBP')]], fate: 'withdrawn' },
        {
          name: 'Uppsala',
          country: 'SE',
          buyerLegalType: 'ra',
          versions: [[line('5', '20', 'SEK')]],
          fate: 'confirmed',
        },
        // Confirmed, but only in the other statement.
        { name: 'Tromsø', country: 'NO', buyerLegalType: 'la', versions: [], fate: 'confirmed' },
      ],
      // Oslo and Tromsø also confirmed needs in another statement (Oslo's in GBP, which has no rate here).
      elsewhere: [[line('100000', '1', 'GBP')], [], [], [], [line('1', '1')]],
      rates,
    });
    const actual = await aggregateConfirmedNeeds(db, statementId, rates);
    expect(actual).toStrictEqual(aggregateDemand(needs, rates));
    expect(needs.map((n) => n.buyer.name)).toEqual(['Oslo', 'Oslo', 'Uppsala']);
    // 400 EUR from Oslo, 5 × 20 SEK ÷ 10 = 10 EUR from Uppsala.
    expect(actual.totals).toEqual({ valueEur: '410', buyers: 2, countries: 2, lines: 3 });
    expect(actual.buyers.map((b) => b.name).sort()).toEqual(['Oslo', 'Uppsala']);
    expect(actual.versionIds).toEqual([...new Set(needs.map((n) => n.versionId))].sort());
    expect(actual.conversion.rates).toEqual({ SEK: '10' });
    expect(actual.byCpv.find((n) => n.cpvCode === '34144900')!.quantities).toEqual([
      { unit: 'H87', firmQuantity: '10', totalQuantity: '10' },
    ]);
  });

  it('never adds quantities of different units together, at any level of the tree', async () => {
    const line = (cpvCode: string, quantity: string, unit: string): ConfirmedNeedLine => ({
      cpvCode,
      quantity,
      unit,
      unitPrice: '1',
      currency: 'EUR',
      delivery: { fromYear: 2029, toYear: 2030 },
      optionalQuantity: '1',
      renewals: { count: 2, quantityEach: '0.5' },
      frameworkMonths: 24,
    });
    const rates = { date: '2026-11-20', source: 'test', rates: {} };
    const { statementId, needs } = await writeScenario({
      buyers: [
        {
          name: 'Lyon',
          country: 'FR',
          buyerLegalType: 'la',
          versions: [[line('09134200', '100', 'LTR'), line('09134200', '40', 'KGM')]],
          fate: 'confirmed',
        },
        {
          name: 'Lille',
          country: 'FR',
          buyerLegalType: 'la',
          versions: [[line('09134220', '60', 'LTR'), line('09130000', '2.5', 'TNE')]],
          fate: 'confirmed',
        },
      ],
      elsewhere: [],
      rates,
    });
    const actual = await aggregateConfirmedNeeds(db, statementId, rates);
    expect(actual).toStrictEqual(aggregateDemand(needs, rates));
    const quantities = (code: string) => actual.byCpv.find((n) => n.cpvCode === code)!.quantities;
    // Firm + 1 optional + 2 renewals of 0.5 = firm + 2 per line.
    expect(quantities('09000000')).toEqual([
      { unit: 'KGM', firmQuantity: '40', totalQuantity: '42' },
      { unit: 'LTR', firmQuantity: '160', totalQuantity: '164' },
      { unit: 'TNE', firmQuantity: '2.5', totalQuantity: '4.5' },
    ]);
    // 09134220 "Diesel fuel (EN 590)" lies under 09134200 "Diesel fuel" (Regulation 213/2008,
    // Annex I: the 7th digit refines the 6th), and both under the category 09134000.
    expect(quantities('09134000')).toEqual([
      { unit: 'KGM', firmQuantity: '40', totalQuantity: '42' },
      { unit: 'LTR', firmQuantity: '160', totalQuantity: '164' },
    ]);
    expect(quantities('09134200')).toEqual([
      { unit: 'KGM', firmQuantity: '40', totalQuantity: '42' },
      { unit: 'LTR', firmQuantity: '160', totalQuantity: '164' },
    ]);
    expect(actual.byCpv.find((n) => n.cpvCode === '09134200')!.direct.quantities).toEqual([
      { unit: 'KGM', firmQuantity: '40', totalQuantity: '42' },
      { unit: 'LTR', firmQuantity: '100', totalQuantity: '102' },
    ]);
    expect(actual.byDeliveryYear).toEqual([{ year: 2029, valueEur: '210.5', lines: 4, buyers: 2 }]);
  });
});

describe('a missing exchange rate', () => {
  const line = (currency: string): ConfirmedNeedLine => ({
    cpvCode: '43260000',
    quantity: '2',
    unit: 'H87',
    unitPrice: '450000',
    currency,
    delivery: { fromYear: 2027, toYear: 2027 },
    optionalQuantity: '0',
    renewals: { count: 0, quantityEach: '0' },
    frameworkMonths: null,
  });
  /** Oslo, with a line in NOK and one in EUR: NOK is the one rate it needs. */
  const oslo: BuyerSpec = {
    name: 'Oslo',
    country: 'NO',
    buyerLegalType: 'la',
    versions: [[line('NOK'), line('EUR')]],
    fate: 'confirmed',
  };
  /** A statement of Oslo alone. */
  const osloInNokAndEur = () =>
    writeScenario({ buyers: [oslo], elsewhere: [], rates: { date: '2026-11-20', source: 'ECB', rates: {} } });

  it('fails the aggregation naming each currency (field and rule), as the reference does', async () => {
    const rates = { date: '2026-11-20', source: 'ECB', rates: { SEK: '11.2345', DKK: '0' } };
    const { statementId, needs } = await writeScenario({
      buyers: [
        oslo,
        { name: 'Copenhagen', country: 'DK', buyerLegalType: 'la', versions: [[line('DKK')]], fate: 'confirmed' },
        { name: 'Stockholm', country: 'SE', buyerLegalType: 'la', versions: [[line('SEK')]], fate: 'confirmed' },
      ],
      elsewhere: [],
      rates,
    });
    const error = await rejection(aggregateConfirmedNeeds(db, statementId, rates));
    expect(error.code).toBe('unprocessable');
    expect(error.problems).toEqual([
      {
        field: 'rates.DKK',
        rule: 'the conversion rate for DKK in the rate table of 2026-11-20 must be a positive number',
        // A rate of 0 converts nothing: the pages word it as a missing rate (rules/exchange-rates.ts).
        code: 'rate_missing',
        values: { currency: 'DKK', tableDate: '2026-11-20' },
      },
      {
        field: 'rates.NOK',
        rule: 'no conversion rate for NOK in the rate table of 2026-11-20',
        code: 'rate_missing',
        values: { currency: 'NOK', tableDate: '2026-11-20' },
      },
    ]);
    expect(error.message).toContain('DKK, NOK');
    const reference = capture(() => aggregateDemand(needs, rates));
    expect({ code: error.code, message: error.message, problems: error.problems }).toEqual({
      code: reference.code,
      message: reference.message,
      problems: reference.problems,
    });
  });

  it('succeeds once the rate is there, and needs none for EUR', async () => {
    const { statementId, needs } = await osloInNokAndEur();
    const without = await rejection(
      aggregateConfirmedNeeds(db, statementId, { date: '2026-11-20', source: 'ECB', rates: {} }),
    );
    expect(without.problems.map((p) => p.field)).toEqual(['rates.NOK']);
    const rates = { date: '2026-11-21', source: 'ECB', rates: { NOK: '11.735', USD: '1.05' } };
    const actual: Aggregate = await aggregateConfirmedNeeds(db, statementId, rates);
    expect(actual).toStrictEqual(aggregateDemand(needs, rates));
    // Only the currencies that occurred are on record.
    expect(actual.conversion).toEqual({ date: '2026-11-21', source: 'ECB', rates: { NOK: '11.735' } });
  });

  it('refuses a rate older than the age limit like a missing one, naming the currency, its date and the limit', async () => {
    const { statementId, needs } = await osloInNokAndEur();
    const old = { date: '2026-11-20', source: 'ECB', rates: { NOK: '11.735' } };
    const stale = await rejection(aggregateConfirmedNeeds(db, statementId, old, { day: '2026-12-04', maxAgeDays: 7 }));
    expect(stale.code).toBe('unprocessable');
    expect(stale.problems).toEqual([
      {
        field: 'rates.NOK',
        rule: expect.stringContaining('from the rate table of 2026-11-20, 14 days before 2026-12-04'),
        code: 'rate_stale',
        values: { currency: 'NOK', rateDate: '2026-11-20', ageDays: 14, maxAgeDays: 7 },
      },
    ]);
    expect(stale.problems[0]!.rule).toContain('older than 7 days');
    // A longer configured limit, or a table recent enough, aggregates as before.
    const longer = await aggregateConfirmedNeeds(db, statementId, old, { day: '2026-12-04', maxAgeDays: 14 });
    expect(longer).toStrictEqual(aggregateDemand(needs, old));
    const missingToo = await rejection(
      aggregateConfirmedNeeds(db, statementId, { ...old, rates: {} }, { day: '2026-12-04', maxAgeDays: 7 }),
    );
    expect(missingToo.problems.map((p) => p.field)).toEqual(['rates.NOK']);
    expect(missingToo.message).toContain('cannot convert NOK');
  });
});
