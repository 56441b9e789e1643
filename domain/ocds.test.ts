import { beforeAll, describe, expect, it } from 'vitest';

import { ocdsCodelists, ocdsCodes, type OcdsValidators, ocdsValidators } from '../test/support/ocds-validator.js';
import { DomainError } from './errors.js';
import {
  decimalToOcdsNumber,
  ocdsExtensions,
  type OcdsRelease,
  type PublishedStatementForOcds,
  toOcdsRelease,
  toReleasePackage,
} from './ocds.js';

const coreRoles = ocdsCodes('1.1.5', 'codelists', 'partyRole.csv');
const euRoles = ocdsCodes('eu-extension', '+partyRole.csv');
const codelists = ocdsCodelists();

const oslo = { orgId: '7d1e1c1a-0000-4000-8000-000000000001', name: 'City of Oslo', country: 'NO' };

/** The 2022 joint statement of demand for zero-emission construction sites, version 2. */
function zeroEmissionConstruction(): PublishedStatementForOcds {
  return {
    statementId: '5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22',
    title: 'Zero-emission construction sites',
    description: 'Joint statement of demand for zero-emission construction machinery and machinery hire.',
    version: 2,
    publishedAt: '2022-11-08T10:15:00+01:00',
    leadBuyer: oslo,
    buyers: [
      { ...oslo, buyerLegalType: 'la' },
      { orgId: '7d1e1c1a-0000-4000-8000-000000000002', name: 'City of Helsinki', country: 'FI', buyerLegalType: 'la' },
      {
        orgId: '7d1e1c1a-0000-4000-8000-000000000003',
        name: 'City of Copenhagen',
        country: 'DK',
        buyerLegalType: 'la',
      },
      { orgId: '7d1e1c1a-0000-4000-8000-000000000004', name: 'City of Vantaa', country: 'FI', buyerLegalType: 'la' },
      { orgId: '7d1e1c1a-0000-4000-8000-000000000005', name: 'Bodø Municipality', country: 'NO', buyerLegalType: 'la' },
      {
        orgId: '7d1e1c1a-0000-4000-8000-000000000006',
        name: 'Barcelona City Council',
        country: 'ES',
        buyerLegalType: 'la',
      },
    ],
    items: [
      {
        cpvCode: '43262100',
        cpvCheckDigit: '8',
        description: 'Mechanical excavators',
        quantities: [{ unit: 'C62', quantity: '37', unitName: 'one' }],
      },
      {
        cpvCode: '34144710',
        cpvCheckDigit: '8',
        description: 'Wheeled loaders',
        // Bought outright and leased: two units, hence two OCDS items.
        quantities: [
          { unit: 'C62', quantity: '12' },
          { unit: 'MON', quantity: '240.5' },
        ],
      },
      {
        cpvCode: '45500000',
        cpvCheckDigit: null,
        description: 'Hire of construction machinery with operator',
        quantities: [{ unit: 'HUR', quantity: '15000' }],
      },
    ],
    totalValueEur: '48500000.50',
    deliveryPeriod: { fromYear: 2023, toYear: 2025 },
    expectedProcurementStart: '2023-03-01',
  };
}

let validators: OcdsValidators;
/** The core schema and codelists alone, to show what the EU extension adds. */
let coreOnly: OcdsValidators;
let release: OcdsRelease;

// Compiling the schemas (their language-tag patterns are large) takes seconds on a busy machine.
beforeAll(() => {
  validators = ocdsValidators({ codelists });
  coreOnly = ocdsValidators({
    codelists: { ...codelists, 'partyRole.csv': new Set(coreRoles) },
    withEuExtension: false,
  });
  release = toOcdsRelease(zeroEmissionConstruction(), { ocidPrefix: 'ocds-b5fd17' });
}, 120_000);

describe('toOcdsRelease', () => {
  it('validates against the OCDS 1.1.5 release schema with the EU extension', () => {
    expect(validators.release(release)).toEqual([]);
  });

  it('survives a JSON round trip unchanged and still valid', () => {
    const reparsed = JSON.parse(JSON.stringify(release)) as unknown;
    expect(reparsed).toEqual(release);
    expect(validators.release(reparsed)).toEqual([]);
  });

  it('identifies the contracting process by statement and the release by version', () => {
    expect(release.ocid).toBe('ocds-b5fd17-5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22');
    const v3 = toOcdsRelease({ ...zeroEmissionConstruction(), version: 3 }, { ocidPrefix: 'ocds-b5fd17' });
    expect(v3.ocid).toBe(release.ocid);
    expect(v3.id).not.toBe(release.id);
    expect(release.id).not.toContain('#');
    expect(release).toMatchObject({ tag: ['planning'], initiationType: 'tender', language: 'en' });
    expect(release.date).toBe('2022-11-08T09:15:00.000Z');
  });

  it('lists the lead once with buyer, leadBuyer and procuringEntity roles, and every signatory as buyer', () => {
    expect(release.parties).toHaveLength(6);
    expect(release.parties[0]).toMatchObject({
      id: oslo.orgId,
      name: 'City of Oslo',
      address: { countryName: 'Norway' },
    });
    expect(release.parties[0]!.roles.sort()).toEqual(['buyer', 'leadBuyer', 'procuringEntity']);
    for (const party of release.parties.slice(1)) expect(party.roles).toEqual(['buyer']);
    expect(new Set(release.parties.map((p) => p.id)).size).toBe(6);
    expect(release.buyer).toEqual({ id: oslo.orgId, name: 'City of Oslo' });
    expect(release.tender.procuringEntity).toEqual(release.buyer);
  });

  it('names a central purchasing body that runs the procurement as procuring entity, with the EU extension role (Art. 37, 39(2)-(3))', () => {
    const hansel = { orgId: '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d77', name: 'Hansel Oy', country: 'FI' };
    const throughCpb = toOcdsRelease(
      { ...zeroEmissionConstruction(), centralPurchasingBody: hansel },
      { ocidPrefix: 'ocds-b5fd17' },
    );
    expect(validators.release(throughCpb)).toEqual([]);
    const cpb = throughCpb.parties.find((p) => p.id === hansel.orgId)!;
    expect(cpb.roles.sort()).toEqual(['centralPurchasingBody', 'procuringEntity']);
    expect(throughCpb.parties[0]!.roles.sort()).toEqual(['buyer', 'leadBuyer']);
    expect(throughCpb.tender.procuringEntity).toEqual({ id: hansel.orgId, name: 'Hansel Oy' });
    expect(throughCpb.buyer).toEqual({ id: oslo.orgId, name: 'City of Oslo' });
    expect(throughCpb.planning.rationale).toContain('of 6 public buyers in 4 countries');
    expect(throughCpb.planning.rationale).toContain(
      'run by Hansel Oy, a central purchasing body in Finland, under the national provisions of its Member State',
    );
  });

  it('uses only party roles from the core codelist and the EU extension, leadBuyer from the extension', () => {
    const roles = new Set(release.parties.flatMap((p) => p.roles));
    for (const role of roles) expect(codelists['partyRole.csv']!.has(role)).toBe(true);
    expect(coreRoles).not.toContain('leadBuyer');
    expect(euRoles).toContain('leadBuyer');
  });

  it('carries the eForms buyer legal type as an organisation classification', () => {
    expect(release.parties[1]!.details).toEqual({
      classifications: [{ scheme: 'eu-buyer-legal-type', id: 'la', description: 'Local authority' }],
    });
  });

  it('puts the total value in the budget as a number in EUR', () => {
    expect(release.planning.budget.amount).toEqual({ amount: 48500000.5, currency: 'EUR' });
    expect(JSON.stringify(release.planning.budget.amount)).toBe('{"amount":48500000.5,"currency":"EUR"}');
    expect(release.planning.rationale).toContain('6 public buyers in 4 countries (Denmark, Finland, Norway, Spain)');
  });

  it('states the exchange rates beside a total converted from other currencies, and none when all was in EUR', () => {
    expect(release.planning.budget.description).toBe('Estimated total value of the aggregated demand, EUR net of VAT');
    const converted = toOcdsRelease(
      {
        ...zeroEmissionConstruction(),
        conversion: { date: '2026-12-04', source: 'ECB euro reference rates', rates: { SEK: '11.1', NOK: '11.6' } },
      },
      { ocidPrefix: 'ocds-b5fd17' },
    );
    expect(converted.planning.budget.description).toBe(
      'Estimated total value of the aggregated demand, EUR net of VAT, converted from NOK, SEK at the exchange rates of 2026-12-04 (source: ECB euro reference rates)',
    );
    expect(validators.release(converted)).toEqual([]);
  });

  it('emits one item per CPV code and unit, classified by CPV with the check digit when known', () => {
    expect(release.tender.items).toEqual([
      {
        id: '43262100-C62',
        description: 'Mechanical excavators',
        classification: { scheme: 'CPV', id: '43262100-8', description: 'Mechanical excavators' },
        quantity: 37,
        unit: { scheme: 'UNCEFACT', id: 'C62', name: 'one' },
      },
      {
        id: '34144710-C62',
        description: 'Wheeled loaders',
        classification: { scheme: 'CPV', id: '34144710-8', description: 'Wheeled loaders' },
        quantity: 12,
        unit: { scheme: 'UNCEFACT', id: 'C62' },
      },
      {
        id: '34144710-MON',
        description: 'Wheeled loaders',
        classification: { scheme: 'CPV', id: '34144710-8', description: 'Wheeled loaders' },
        quantity: 240.5,
        unit: { scheme: 'UNCEFACT', id: 'MON' },
      },
      {
        id: '45500000-HUR',
        description: 'Hire of construction machinery with operator',
        classification: { scheme: 'CPV', id: '45500000', description: 'Hire of construction machinery with operator' },
        quantity: 15000,
        unit: { scheme: 'UNCEFACT', id: 'HUR' },
      },
    ]);
  });

  it('sums a (CPV, unit) pair given twice instead of emitting two items with one id', () => {
    const input = zeroEmissionConstruction();
    input.items.push({
      cpvCode: '43262100',
      cpvCheckDigit: '8',
      description: 'Mechanical excavators',
      quantities: [{ unit: 'C62', quantity: '3' }],
    });
    const r = toOcdsRelease(input, { ocidPrefix: 'ocds-b5fd17' });
    expect(r.tender.items.filter((i) => i.id === '43262100-C62').map((i) => i.quantity)).toEqual([40]);
    expect(validators.release(r)).toEqual([]);
  });

  it('gives the tender period from the expected start and the contract period from the delivery years', () => {
    expect(release.tender).toMatchObject({
      id: '5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22',
      title: 'Zero-emission construction sites',
      status: 'planning',
      tenderPeriod: { startDate: '2023-03-01T00:00:00Z' },
      contractPeriod: { startDate: '2023-01-01T00:00:00Z', endDate: '2025-12-31T23:59:59Z' },
    });
  });

  it('names the procurement categories from the CPV divisions', () => {
    // Supplies (34, 43) and works (45): no single main category.
    expect(release.tender.mainProcurementCategory).toBeUndefined();
    expect(release.tender.additionalProcurementCategories).toEqual(['goods', 'works']);
    const suppliesOnly = zeroEmissionConstruction();
    suppliesOnly.items = suppliesOnly.items.slice(0, 2);
    const r = toOcdsRelease(suppliesOnly, { ocidPrefix: 'ocds-b5fd17' });
    expect(r.tender.mainProcurementCategory).toBe('goods');
    expect(validators.release(r)).toEqual([]);
  });

  it('uses the classification and unit schemes of the OCDS codelists', () => {
    // itemClassificationScheme and unitClassificationScheme are not shipped with the schema here.
    expect(new Set(release.tender.items.map((i) => i.classification.scheme))).toEqual(new Set(['CPV']));
    expect(new Set(release.tender.items.map((i) => i.unit?.scheme))).toEqual(new Set(['UNCEFACT']));
  });

  it('refuses a publication date without a time zone', () => {
    const input = { ...zeroEmissionConstruction(), publishedAt: '2022-11-08T10:15:00' };
    expect(() => toOcdsRelease(input, { ocidPrefix: 'ocds-b5fd17' })).toThrow(DomainError);
  });
});

describe('schema validation catches invalid releases', () => {
  it('rejects a release without a required field', () => {
    const { initiationType: _dropped, ...withoutInitiationType } = release;
    expect(validators.release(withoutInitiationType)).toEqual([
      "/ required must have required property 'initiationType'",
    ]);
    const noTenderId = structuredClone(release) as any;
    delete noTenderId.tender.id;
    expect(validators.release(noTenderId).join('\n')).toContain("/tender required must have required property 'id'");
  });

  it('rejects an amount written as a string', () => {
    const bad = structuredClone(release) as any;
    bad.planning.budget.amount.amount = '48500000.50';
    expect(validators.release(bad).join('\n')).toContain('/planning/budget/amount/amount type');
  });

  it('rejects a party role that is in neither codelist', () => {
    const bad = structuredClone(release);
    bad.parties[0]!.roles.push('leadbuyer');
    expect(validators.release(bad)).toEqual(['/parties/0/roles codelist must pass "codelist" keyword validation']);
  });

  it('applies the EU extension patch to the release schema', () => {
    const withEuField = { ...release, tender: { ...release.tender, reviewDetails: '' } };
    // reviewDetails comes from the EU extension, which requires it to be non-empty.
    expect(validators.release(withEuField)).toEqual([
      '/tender/reviewDetails minLength must NOT have fewer than 1 characters',
    ]);
    // Without the patch only the missing leadBuyer code is reported; reviewDetails passes unchecked.
    expect(coreOnly.release(withEuField)).toEqual([
      '/parties/0/roles codelist must pass "codelist" keyword validation',
    ]);
  });

  it('would reject leadBuyer without the EU extension codelist', () => {
    expect(coreOnly.release(release)).toEqual(['/parties/0/roles codelist must pass "codelist" keyword validation']);
  });
});

describe('toReleasePackage', () => {
  const options = {
    uri: 'https://jointdemand.example.eu/ocds/statements/5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22.json',
    publishedDate: '2022-11-08T09:15:00Z',
    publisher: { name: 'Big Buyers for Climate and Environment' },
  };

  it('validates against the release package schema, the releases against the extended release schema', () => {
    const v3 = toOcdsRelease(
      { ...zeroEmissionConstruction(), version: 3, publishedAt: '2022-12-01T08:00:00Z' },
      { ocidPrefix: 'ocds-b5fd17' },
    );
    const pkg = toReleasePackage([release, v3], options);
    expect(validators.releasePackage(pkg)).toEqual([]);
    expect(pkg).toMatchObject({
      version: '1.1',
      publishedDate: '2022-11-08T09:15:00.000Z',
      publisher: options.publisher,
    });
    expect(pkg.extensions).toEqual([...ocdsExtensions]);
    expect(pkg.releases.map((r) => r.id)).toEqual([release.id, v3.id]);
  });

  it('is invalid without a publisher, and when a release inside it is invalid', () => {
    const pkg = toReleasePackage([release], options);
    const { publisher: _dropped, ...withoutPublisher } = pkg;
    expect(validators.releasePackage(withoutPublisher)).toEqual(["/ required must have required property 'publisher'"]);
    const badRelease = structuredClone(pkg) as any;
    delete badRelease.releases[0].ocid;
    expect(validators.releasePackage(badRelease).join('\n')).toContain(
      "/releases/0 required must have required property 'ocid'",
    );
  });

  it('refuses to build a package without releases, which the schema forbids', () => {
    expect(() => toReleasePackage([], options)).toThrow(/at least one release/);
  });
});

describe('decimalToOcdsNumber', () => {
  it('rounds money half-up to the cent', () => {
    expect(decimalToOcdsNumber('0.005', { field: 'x', decimals: 2 })).toBe(0.01);
    expect(decimalToOcdsNumber('1250.50', { field: 'x', decimals: 2 })).toBe(1250.5);
    expect(decimalToOcdsNumber('0.004999', { field: 'x', decimals: 2 })).toBe(0);
  });

  it('keeps every amount below 10^13 EUR exact to the cent in JSON', () => {
    expect(JSON.stringify(decimalToOcdsNumber('9999999999999.99', { field: 'x', decimals: 2 }))).toBe(
      '9999999999999.99',
    );
    expect(JSON.stringify(decimalToOcdsNumber('123456789.123456', { field: 'q' }))).toBe('123456789.123456');
  });

  it('refuses a value a double would alter, naming the field', () => {
    try {
      decimalToOcdsNumber('123456789012345.123456', { field: 'items[0].quantities[0].quantity' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).problems).toEqual([
        {
          field: 'items[0].quantities[0].quantity',
          rule: expect.stringContaining('more significant digits than an OCDS number can carry'),
        },
      ]);
    }
  });
});
