import { describe, expect, it } from 'vitest';

import {
  type AgreementContext,
  agreementKind,
  type AgreementTerms,
  type AgreementTermsInput,
  agreementTermsSchema,
  defaultDistribution,
  validateAgreementTerms,
} from './agreement.js';

const helsinki = { orgId: '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d01', name: 'City of Helsinki', country: 'FI' };
const copenhagen = { orgId: '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d02', name: 'City of Copenhagen', country: 'DK' };
const barcelona = { orgId: '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d03', name: 'Barcelona City Council', country: 'ES' };
const outsider = '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d99';

const excavators = '43262100';
const loaders = '34144710';

const ctx: AgreementContext = {
  parties: [helsinki, copenhagen, barcelona],
  confirmedNeeds: [
    { orgId: helsinki.orgId, cpvCode: excavators, unit: 'C62', quantity: '4' },
    { orgId: helsinki.orgId, cpvCode: loaders, unit: 'C62', quantity: '2.5' },
    // A second line on the same key: the comparison is on the sum, not line by line.
    { orgId: helsinki.orgId, cpvCode: loaders, unit: 'C62', quantity: '0.5' },
    { orgId: copenhagen.orgId, cpvCode: excavators, unit: 'C62', quantity: '6' },
    { orgId: barcelona.orgId, cpvCode: loaders, unit: 'C62', quantity: '10' },
  ],
};

function validInput(): AgreementTermsInput {
  return {
    leadAuthorityOrgId: helsinki.orgId,
    applicableLaw: { kind: 'party_country', country: 'FI' },
    procedureType: 'competitive_procedure_with_negotiation',
    lots: [
      { id: 'LOT-1', title: 'Zero-emission excavators', cpvCodes: ['43262100-8'] },
      { id: 'LOT-2', title: 'Zero-emission wheeled loaders', cpvCodes: ['34144710-8'] },
    ],
    distributions: [
      {
        orgId: helsinki.orgId,
        lots: [
          { lotId: 'LOT-1', lines: [{ cpvCode: '43262100-8', unit: 'C62', quantity: '4' }] },
          { lotId: 'LOT-2', lines: [{ cpvCode: loaders, unit: 'C62', quantity: '3.000' }] },
        ],
      },
      {
        orgId: copenhagen.orgId,
        lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: excavators, unit: 'C62', quantity: '6' }] }],
      },
      {
        orgId: barcelona.orgId,
        lots: [{ lotId: 'LOT-2', lines: [{ cpvCode: loaders, unit: 'C62', quantity: '10' }] }],
      },
    ],
    responsibilities: [
      { orgId: helsinki.orgId, text: 'Prepares the tender documents and runs the procedure.' },
      { orgId: copenhagen.orgId, text: 'Leads the technical evaluation of Lot 1.' },
      { orgId: barcelona.orgId, text: 'Leads the technical evaluation of Lot 2.' },
    ],
    phases: [
      { phase: 'preparation', conductedBy: 'joint' },
      { phase: 'publication', conductedBy: helsinki.orgId },
      { phase: 'evaluation', conductedBy: 'joint' },
      { phase: 'award', conductedBy: helsinki.orgId },
      { phase: 'contract_management', conductedBy: copenhagen.orgId },
    ],
    contractConclusion: 'each_party_own_contract',
    costSharing: {
      method: 'fixed_percentages',
      shares: [
        { orgId: helsinki.orgId, percent: '33.34' },
        { orgId: copenhagen.orgId, percent: '33.33' },
        { orgId: barcelona.orgId, percent: '33.33' },
      ],
    },
    languages: ['EN', 'fi'],
    disputeResolution: { text: 'Amicable negotiation first, then the courts.', forum: 'Helsinki District Court' },
    duration: { kind: 'months', months: 48 },
    accession: {
      allowed: true,
      conditions: 'Only before the contract notice is published, with the consent of all parties.',
    },
  };
}

function valid(): AgreementTerms {
  return agreementTermsSchema.parse(validInput());
}

function problemsOf(mutate: (t: AgreementTerms) => void, context: AgreementContext = ctx) {
  const terms = valid();
  mutate(terms);
  return validateAgreementTerms(terms, context);
}

describe('agreementTermsSchema', () => {
  it('normalises CPV codes to their 8-digit key and language codes to lower case', () => {
    const terms = valid();
    expect(terms.lots[0]!.cpvCodes).toEqual([excavators]);
    expect(terms.distributions[0]!.lots[0]!.lines[0]!.cpvCode).toBe(excavators);
    expect(terms.languages).toEqual(['en', 'fi']);
  });

  it('rejects an unknown procedure type, a bad quantity and a bad unit with their paths', () => {
    const input = validInput() as any;
    input.procedureType = 'negotiated_without_publication';
    input.distributions[0].lots[0].lines[0].quantity = '-1';
    input.distributions[0].lots[0].lines[0].unit = 'pieces';
    const result = agreementTermsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'procedureType',
        'distributions.0.lots.0.lines.0.quantity',
        'distributions.0.lots.0.lines.0.unit',
      ]),
    );
  });

  it('requires the conditions of accession when accession is allowed', () => {
    const input = validInput();
    input.accession = { allowed: true, conditions: '  ' };
    const result = agreementTermsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['accession', 'conditions'],
      message: expect.stringMatching(/conditions/),
    });
    expect(agreementTermsSchema.safeParse({ ...input, accession: { allowed: false } }).success).toBe(true);
  });

  it('rejects a deviation without a reason at the schema level', () => {
    const input = validInput();
    input.distributions[0]!.deviation = { reason: '' };
    const result = agreementTermsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['distributions', 0, 'deviation', 'reason']);
  });

  it('carries the OpenAPI component id', () => {
    expect(agreementTermsSchema.meta()?.id).toBe('AgreementTerms');
  });
});

describe('validateAgreementTerms', () => {
  it('accepts the terms of three parties in three Member States', () => {
    expect(agreementKind(ctx.parties)).toBe('art39_cross_border');
    expect(validateAgreementTerms(valid(), ctx)).toEqual([]);
  });

  const egtc = {
    kind: 'joint_entity' as const,
    entityName: 'Nordic Clean Construction EGTC',
    entityType: 'egtc' as const,
    registeredOfficeCountry: 'NO',
    activityCountries: ['DK', 'FI'],
    lawOf: 'registered_office' as const,
    country: 'NO',
    decision: 'Decision 2026/3 of the EGTC assembly of 12 March 2026',
  };

  it('accepts the law of the registered office of a joint entity in an EEA country (Art. 39(5)(a))', () => {
    expect(problemsOf((t) => (t.applicableLaw = { ...egtc }))).toEqual([]);
  });

  it('accepts the law of a Member State where the joint entity carries out its activities (Art. 39(5)(b))', () => {
    expect(problemsOf((t) => (t.applicableLaw = { ...egtc, lawOf: 'activities', country: 'FI' }))).toEqual([]);
  });

  it('rejects a joint entity law that is neither that of its registered office nor of its activities, naming the choice recorded (Art. 39(5))', () => {
    expect(problemsOf((t) => (t.applicableLaw = { ...egtc, country: 'FI' }))).toEqual([
      {
        field: 'applicableLaw.country',
        rule: 'the parties chose the law of the joint entity’s registered office (NO); FI is not that Member State (Directive 2014/24/EU Art. 39(5)(a))',
      },
    ]);
    expect(problemsOf((t) => (t.applicableLaw = { ...egtc, lawOf: 'activities', country: 'SE' }))).toEqual([
      {
        field: 'applicableLaw.country',
        rule: 'the parties chose the law of a Member State where the joint entity carries out its activities (DK, FI); SE is not one (Directive 2014/24/EU Art. 39(5)(b))',
      },
    ]);
  });

  it('requires the joint entity, the choice between its seat and its activities, and the decision that made it (Art. 39(5))', () => {
    const input = validInput() as any;
    input.applicableLaw = { kind: 'joint_entity', country: 'NO', entityName: 'Nordic Clean Construction EGTC' };
    const result = agreementTermsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'applicableLaw.activityCountries',
      'applicableLaw.decision',
      'applicableLaw.entityType',
      'applicableLaw.lawOf',
      'applicableLaw.registeredOfficeCountry',
    ]);
  });

  it('uses the joint entity route only when the parties come from different Member States (Art. 39(5))', () => {
    const espoo = { orgId: outsider, name: 'City of Espoo', country: 'FI' };
    const oneState: AgreementContext = {
      parties: [helsinki, espoo],
      confirmedNeeds: ctx.confirmedNeeds.filter((n) => n.orgId === helsinki.orgId),
    };
    const terms = valid();
    terms.applicableLaw = { ...egtc, registeredOfficeCountry: 'FI', country: 'FI' };
    terms.distributions = defaultDistribution(oneState.parties, oneState.confirmedNeeds, 'LOT-1');
    terms.responsibilities = [
      { orgId: helsinki.orgId, text: 'Runs the procedure.' },
      { orgId: outsider, text: 'Evaluates the tenders.' },
    ];
    terms.phases = terms.phases.map((p) => ({ ...p, conductedBy: 'joint' }));
    terms.costSharing = { method: 'equal' };
    expect(validateAgreementTerms(terms, oneState)).toEqual([
      {
        field: 'applicableLaw.kind',
        rule: 'a joint entity’s law applies to contracting authorities from different Member States; all parties are in FI: the law is that of their Member State (Directive 2014/24/EU Art. 39(5), Art. 38)',
      },
    ]);
  });

  it('rejects a joint entity seated or active outside the EU and EEA (Art. 39(5))', () => {
    const problems = problemsOf(
      (t) =>
        (t.applicableLaw = {
          ...egtc,
          entityName: 'Alpine Buyers Ltd',
          entityType: 'other_union_law_entity',
          registeredOfficeCountry: 'CH',
          activityCountries: ['CH', 'FI'],
          country: 'CH',
        }),
    );
    expect(problems).toEqual([
      {
        field: 'applicableLaw.registeredOfficeCountry',
        rule: expect.stringContaining('must be in an EU or EEA country'),
      },
      { field: 'applicableLaw.activityCountries[0]', rule: expect.stringContaining('must be in an EU or EEA country') },
    ]);
  });

  it('requires the responsibilities of every party (Art. 39(4)(a))', () => {
    expect(problemsOf((t) => (t.responsibilities = []))).toEqual(
      [helsinki, copenhagen, barcelona].map((p) => ({
        field: 'responsibilities',
        rule: `the agreement must determine the responsibilities of every party; ${p.name} has none (Directive 2014/24/EU Art. 39(4)(a))`,
      })),
    );
    expect(problemsOf((t) => t.responsibilities.splice(1, 1))).toEqual([
      {
        field: 'responsibilities',
        rule: 'the agreement must determine the responsibilities of every party; City of Copenhagen has none (Directive 2014/24/EU Art. 39(4)(a))',
      },
    ]);
  });

  it('requires who conducts every phase of the procedure (Art. 39(4)(b), Art. 38(2))', () => {
    expect(problemsOf((t) => (t.phases = [])).map((p) => p.field)).toEqual(Array.from({ length: 5 }, () => 'phases'));
    expect(problemsOf((t) => t.phases.splice(2, 1))).toEqual([
      {
        field: 'phases',
        rule: 'the internal organisation of the procedure must say who conducts each phase; "evaluation" is not assigned (Directive 2014/24/EU Art. 39(4)(b), Art. 38(2))',
      },
    ]);
  });

  it('rejects a lead authority that is not a party', () => {
    expect(problemsOf((t) => (t.leadAuthorityOrgId = outsider))).toEqual([
      {
        field: 'leadAuthorityOrgId',
        rule: 'the lead contracting authority must be one of the parties (Directive 2014/24/EU Art. 39(4)(b))',
      },
    ]);
  });

  it('rejects the law of a country where no party sits', () => {
    const problems = problemsOf((t) => (t.applicableLaw = { kind: 'party_country', country: 'DE' }));
    expect(problems).toEqual([
      { field: 'applicableLaw.country', rule: expect.stringContaining('country of one of the parties (DK, ES, FI)') },
    ]);
  });

  it('rejects terms where a party has no distribution, naming the party', () => {
    const problems = problemsOf((t) => t.distributions.splice(2, 1));
    expect(problems).toEqual([
      {
        field: 'distributions',
        rule: 'every party must have a distribution; Barcelona City Council has none (Directive 2014/24/EU Art. 39(4)(b))',
      },
    ]);
  });

  it('rejects a distribution to an organisation that is not a party, and a second distribution to a party', () => {
    const problems = problemsOf((t) => {
      t.distributions.push({ ...t.distributions[2]!, orgId: outsider }, { ...t.distributions[1]! });
    });
    expect(problems).toEqual([
      {
        field: 'distributions[3].orgId',
        rule: 'a distribution must be for one of the parties (Directive 2014/24/EU Art. 39(4)(b))',
      },
      {
        field: 'distributions[4].orgId',
        rule: expect.stringContaining('exactly one distribution; City of Copenhagen'),
      },
    ]);
  });

  it('rejects quantities that differ from the confirmed needs without a deviation', () => {
    const problems = problemsOf((t) => (t.distributions[1]!.lots[0]!.lines[0]!.quantity = '5.999999'));
    expect(problems).toEqual([
      {
        field: 'distributions[1].deviation',
        rule: expect.stringContaining(
          'the distribution to City of Copenhagen must match its confirmed needs or record a deviation with a reason',
        ),
      },
    ]);
    expect(problems[0]!.rule).toContain('43262100 C62: distributed 5.999999, confirmed 6');
  });

  it('rejects a distributed item the party never confirmed, and a confirmed item left out', () => {
    const problems = problemsOf((t) => (t.distributions[2]!.lots[0]!.lines[0]!.cpvCode = excavators));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('distributions[2].deviation');
    expect(problems[0]!.rule).toContain('34144710 C62: distributed 0, confirmed 10');
    expect(problems[0]!.rule).toContain('43262100 C62: distributed 10, confirmed 0');
  });

  it('treats a different unit as a different item', () => {
    const problems = problemsOf((t) => (t.distributions[2]!.lots[0]!.lines[0]!.unit = 'H87'));
    expect(problems.map((p) => p.field)).toEqual(['distributions[2].deviation']);
  });

  it('compares quantities as decimals, exactly, beyond binary floating point precision', () => {
    const context: AgreementContext = {
      ...ctx,
      confirmedNeeds: ctx.confirmedNeeds.map((n) =>
        n.orgId === barcelona.orgId ? { ...n, quantity: '123456789012345.123456' } : n,
      ),
    };
    const off = problemsOf(
      (t) => (t.distributions[2]!.lots[0]!.lines[0]!.quantity = '123456789012345.123457'),
      context,
    );
    expect(off.map((p) => p.field)).toEqual(['distributions[2].deviation']);
    const exact = problemsOf(
      (t) => (t.distributions[2]!.lots[0]!.lines[0]!.quantity = '123456789012345.1234560'),
      context,
    );
    expect(exact).toEqual([]);
  });

  it('accepts a difference that records a deviation with a reason', () => {
    const problems = problemsOf((t) => {
      t.distributions[1]!.lots[0]!.lines[0]!.quantity = '5';
      t.distributions[1]!.deviation = { reason: 'One excavator is bought under an existing framework agreement.' };
    });
    expect(problems).toEqual([]);
  });

  it('rejects a deviation whose reason is blank', () => {
    const problems = problemsOf((t) => {
      t.distributions[1]!.lots[0]!.lines[0]!.quantity = '5';
      t.distributions[1]!.deviation = { reason: '   ' };
    });
    expect(problems).toEqual([
      {
        field: 'distributions[1].deviation.reason',
        rule: expect.stringContaining('a deviation from the confirmed needs must give a reason'),
      },
    ]);
  });

  it('rejects a distribution to a lot that does not exist', () => {
    const problems = problemsOf((t) => (t.distributions[2]!.lots[0]!.lotId = 'LOT-9'));
    expect(problems).toEqual([
      {
        field: 'distributions[2].lots[0].lotId',
        rule: 'a distribution must reference a lot of the agreement; "LOT-9" is not one (Directive 2014/24/EU Art. 39(4)(b))',
      },
    ]);
  });

  it('rejects repeated lot ids', () => {
    const problems = problemsOf((t) => t.lots.push({ ...t.lots[0]! }));
    expect(problems).toEqual([{ field: 'lots[2].id', rule: 'lot ids must be unique; "LOT-1" is repeated' }]);
  });

  it('rejects fixed percentages that do not sum to exactly 100', () => {
    const problems = problemsOf((t) => {
      if (t.costSharing.method !== 'fixed_percentages') throw new Error('fixture changed');
      t.costSharing.shares[0]!.percent = '33.33';
    });
    expect(problems).toEqual([
      {
        field: 'costSharing.shares',
        rule: 'fixed cost-sharing percentages must sum to exactly 100; they sum to 99.99',
      },
    ]);
  });

  it('rejects a cost share for an organisation that is not a party', () => {
    const problems = problemsOf((t) => {
      if (t.costSharing.method !== 'fixed_percentages') throw new Error('fixture changed');
      t.costSharing.shares[2]!.orgId = outsider;
    });
    expect(problems).toEqual([
      { field: 'costSharing.shares[2].orgId', rule: 'a cost share must be for one of the parties' },
    ]);
  });

  it('does not apply the percentage rule to other cost-sharing methods', () => {
    expect(problemsOf((t) => (t.costSharing = { method: 'by_share_of_value' }))).toEqual([]);
  });

  it('rejects a phase assigned to an organisation that is not a party', () => {
    const problems = problemsOf((t) => (t.phases[4]!.conductedBy = outsider));
    expect(problems).toEqual([
      {
        field: 'phases[4].conductedBy',
        rule: 'a phase conducted by one party in its own name must name one of the parties (Directive 2014/24/EU Art. 38(2), 39(4)(b))',
      },
    ]);
  });

  it('rejects a phase assigned twice', () => {
    const problems = problemsOf((t) => (t.phases[1]!.phase = 'preparation'));
    expect(problems).toEqual([
      { field: 'phases[1].phase', rule: 'each phase is assigned once; "preparation" is repeated' },
      { field: 'phases', rule: expect.stringContaining('"publication" is not assigned') },
    ]);
  });

  it('rejects responsibilities given to an organisation that is not a party', () => {
    const problems = problemsOf((t) => (t.responsibilities[0]!.orgId = outsider));
    expect(problems).toEqual([
      {
        field: 'responsibilities[0].orgId',
        rule: 'responsibilities must be assigned to one of the parties (Directive 2014/24/EU Art. 39(4)(a))',
      },
      { field: 'responsibilities', rule: expect.stringContaining('City of Helsinki has none') },
    ]);
  });

  it('reports every broken rule at once', () => {
    const problems = problemsOf((t) => {
      t.leadAuthorityOrgId = outsider;
      t.distributions.pop();
      t.phases[0]!.conductedBy = outsider;
    });
    expect(problems.map((p) => p.field).sort()).toEqual([
      'distributions',
      'leadAuthorityOrgId',
      'phases[0].conductedBy',
    ]);
  });
});

describe('agreementKind', () => {
  it('is an Art. 38 occasional joint procurement when all parties are in one Member State', () => {
    const espoo = { orgId: outsider, name: 'City of Espoo', country: 'FI' };
    expect(agreementKind([helsinki, espoo])).toBe('art38_occasional');
    expect(agreementKind([helsinki])).toBe('art38_occasional');
  });

  it('is an Art. 39 cross-border procurement from two Member States, EEA states included', () => {
    expect(agreementKind([helsinki, copenhagen])).toBe('art39_cross_border');
    expect(agreementKind([helsinki, { country: 'NO' }])).toBe('art39_cross_border');
  });

  it('does not count a country outside the EU and EEA, where the Directive does not apply', () => {
    expect(agreementKind([helsinki, { country: 'CH' }])).toBe('art38_occasional');
  });
});

describe('defaultDistribution', () => {
  it('distributes each party its confirmed needs, summed per CPV code and unit, in one lot', () => {
    const distribution = defaultDistribution(ctx.parties, ctx.confirmedNeeds, 'LOT-1');
    expect(distribution).toEqual([
      {
        orgId: helsinki.orgId,
        lots: [
          {
            lotId: 'LOT-1',
            lines: [
              { cpvCode: excavators, unit: 'C62', quantity: '4' },
              { cpvCode: loaders, unit: 'C62', quantity: '3' },
            ],
          },
        ],
      },
      {
        orgId: copenhagen.orgId,
        lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: excavators, unit: 'C62', quantity: '6' }] }],
      },
      {
        orgId: barcelona.orgId,
        lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: loaders, unit: 'C62', quantity: '10' }] }],
      },
    ]);
  });

  it('produces terms that pass validation without a deviation', () => {
    const input = validInput();
    input.lots = [{ id: 'ALL', title: 'Zero-emission construction machinery', cpvCodes: [excavators, loaders] }];
    input.distributions = defaultDistribution(ctx.parties, ctx.confirmedNeeds, 'ALL');
    const terms = agreementTermsSchema.parse(input);
    expect(validateAgreementTerms(terms, ctx)).toEqual([]);
  });

  it('gives a party without confirmed needs an empty distribution, which still counts as having one', () => {
    const latecomer = { orgId: outsider, name: 'City of Vantaa', country: 'FI' };
    const [, , , empty] = defaultDistribution([...ctx.parties, latecomer], ctx.confirmedNeeds, 'LOT-1');
    expect(empty).toEqual({ orgId: outsider, lots: [{ lotId: 'LOT-1', lines: [] }] });
  });
});
