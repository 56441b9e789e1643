import { describe, expect, it } from 'vitest';

import { participatingCountries } from '../../rules/countries.js';
import {
  eformsCodes,
  noticeTypeFields,
  validateAgainstPinXsd,
  type XmlLeaf,
  xmlLeaves,
} from '../../test/support/eforms-validator.js';
import { DomainError } from '../errors.js';
import { buildE1Notice, type E1NoticeInput, type E1Organisation } from './e1-notice.js';

const ext = 'ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension';
const org = `${ext}/efac:Organizations/efac:Organization`;
const lotPath = 'cac:ProcurementProjectLot';

/** Where each field of SDK 1.15.1 is in the notice, as the builder writes it (fields.json `xpathAbsolute`, without predicates). */
function scopeFields(prefix: string, suffix: 'Procedure' | 'Lot'): Record<string, string> {
  return {
    [`${prefix}/cbc:Name`]: `BT-21-${suffix}`,
    [`${prefix}/cbc:Description`]: `BT-24-${suffix}`,
    [`${prefix}/cbc:ProcurementTypeCode`]: `BT-23-${suffix}`,
    [`${prefix}/cbc:Note`]: `BT-300-${suffix}`,
    [`${prefix}/cac:ProcurementAdditionalType/cbc:ProcurementTypeCode`]: `BT-531-${suffix}`,
    [`${prefix}/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount`]: `BT-27-${suffix}`,
    [`${prefix}/cac:MainCommodityClassification/cbc:ItemClassificationCode`]: `BT-262-${suffix}`,
    [`${prefix}/cac:AdditionalCommodityClassification/cbc:ItemClassificationCode`]: `BT-263-${suffix}`,
    [`${prefix}/cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode`]: `BT-5071-${suffix}`,
    [`${prefix}/cac:RealizedLocation/cac:Address/cbc:Region`]: `BT-727-${suffix}`,
    [`${prefix}/cac:RealizedLocation/cac:Address/cac:Country/cbc:IdentificationCode`]: `BT-5141-${suffix}`,
  };
}

const fieldAt: Record<string, string> = {
  [`${ext}/efac:NoticeSubType/cbc:SubTypeCode`]: 'OPP-070-notice',
  [`${org}/efbc:GroupLeadIndicator`]: 'OPP-050-Organization',
  [`${org}/efbc:AwardingCPBIndicator`]: 'OPP-051-Organization',
  [`${org}/efbc:AcquiringCPBIndicator`]: 'OPP-052-Organization',
  [`${org}/efac:Company/cac:PartyIdentification/cbc:ID`]: 'OPT-200-Organization-Company',
  [`${org}/efac:Company/cac:PartyName/cbc:Name`]: 'BT-500-Organization-Company',
  [`${org}/efac:Company/cac:PostalAddress/cbc:CountrySubentityCode`]: 'BT-507-Organization-Company',
  [`${org}/efac:Company/cac:PostalAddress/cac:Country/cbc:IdentificationCode`]: 'BT-514-Organization-Company',
  'cbc:UBLVersionID': 'OPT-001-notice',
  'cbc:CustomizationID': 'OPT-002-notice',
  'cbc:ID': 'BT-701-notice',
  'cbc:IssueDate': 'BT-05(a)-notice',
  'cbc:IssueTime': 'BT-05(b)-notice',
  'cbc:VersionID': 'BT-757-notice',
  'cbc:RegulatoryDomain': 'BT-01-notice',
  // BT-03, the form type, is this element's listName.
  'cbc:NoticeTypeCode': 'BT-02-notice',
  'cbc:NoticeLanguageCode': 'BT-702(a)-notice',
  'cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode': 'BT-11-Procedure-Buyer',
  'cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID': 'OPT-300-Procedure-Buyer',
  'cac:TenderingTerms/cac:ProcurementLegislationDocumentReference/cbc:ID': 'BT-01(e)-Procedure',
  'cac:TenderingTerms/cac:ProcurementLegislationDocumentReference/cbc:DocumentDescription': 'BT-01(f)-Procedure',
  ...scopeFields('cac:ProcurementProject', 'Procedure'),
  [`${lotPath}/cbc:ID`]: 'BT-137-Lot',
  [`${lotPath}/cac:TenderingTerms/cac:TenderRecipientParty/cbc:EndpointID`]: 'BT-18-Lot',
  [`${lotPath}/cac:TenderingTerms/cac:Language/cbc:ID`]: 'BT-97-Lot',
  [`${lotPath}/cac:TenderingProcess/${ext}/efac:AnswerReceptionPeriod/cbc:EndDate`]: 'BT-800(d)-Lot',
  [`${lotPath}/cac:TenderingProcess/${ext}/efac:AnswerReceptionPeriod/cbc:EndTime`]: 'BT-800(t)-Lot',
  ...scopeFields(`${lotPath}/cac:ProcurementProject`, 'Lot'),
};

/**
 * The fields SDK 1.15.1 makes mandatory in every E1 notice (fields.json `mandatory` constraints
 * for notice type E1 without a condition). E1.json itself marks none: in SDK 1.x the notice
 * types carry no `_mandatory`, the rules are in fields.json, which the shared folder does not hold.
 */
const mandatoryInE1 = [
  'OPT-001-notice',
  'OPT-002-notice',
  'OPP-070-notice',
  'BT-701-notice',
  'BT-05(a)-notice',
  'BT-05(b)-notice',
  'BT-757-notice',
  'BT-01-notice',
  'BT-02-notice',
  'BT-702(a)-notice',
  'OPT-200-Organization-Company',
  'BT-500-Organization-Company',
  'BT-514-Organization-Company',
  'OPT-300-Procedure-Buyer',
  'BT-21-Procedure',
  'BT-24-Procedure',
  'BT-23-Procedure',
  'BT-262-Procedure',
  'BT-137-Lot',
  'BT-21-Lot',
  'BT-24-Lot',
  'BT-23-Lot',
  'BT-262-Lot',
  'BT-97-Lot',
  // Mandatory unless BT-17-Lot says electronic submission is not allowed; the notice has no BT-17.
  'BT-18-Lot',
  'BT-800(d)-Lot',
  'BT-800(t)-Lot',
];

function fieldsOf(leaves: readonly XmlLeaf[]): Map<string, XmlLeaf[]> {
  const byField = new Map<string, XmlLeaf[]>();
  for (const leaf of leaves) {
    const field = fieldAt[leaf.path];
    if (!field) throw new Error(`The notice writes ${leaf.path}, which is no field the builder is known to fill`);
    byField.set(field, [...(byField.get(field) ?? []), leaf]);
  }
  return byField;
}

const org0 = (o: Partial<E1Organisation> & Pick<E1Organisation, 'orgId' | 'name' | 'country'>): E1Organisation => ({
  buyerLegalType: 'la',
  nuts: null,
  awardingCpb: false,
  acquiringCpb: false,
  ...o,
});

const oslo = org0({
  orgId: 'a0000000-0000-4000-8000-000000000001',
  name: 'Oslo kommune',
  country: 'NO',
  nuts: 'NO081',
});
const bodo = org0({ orgId: 'a0000000-0000-4000-8000-000000000002', name: 'Bodø kommune', country: 'NO' });
const helsinki = org0({
  orgId: 'a0000000-0000-4000-8000-000000000003',
  name: 'Helsingin kaupunki',
  country: 'FI',
  nuts: 'FI1B1',
});
const copenhagen = org0({
  orgId: 'a0000000-0000-4000-8000-000000000004',
  name: 'Københavns Kommune',
  country: 'DK',
  nuts: 'DK011',
});
const barcelona = org0({
  orgId: 'a0000000-0000-4000-8000-000000000005',
  name: 'Ajuntament de Barcelona',
  country: 'ES',
  nuts: 'ES511',
  buyerLegalType: 'grp-p-aut',
});
const adda = org0({
  orgId: 'a0000000-0000-4000-8000-000000000006',
  name: 'Adda Inköpscentral AB',
  country: 'SE',
  buyerLegalType: 'body-pl-la',
  awardingCpb: true,
  acquiringCpb: true,
});

function input(over: Partial<E1NoticeInput> = {}): E1NoticeInput {
  return {
    noticeId: '3f1c2a4e-7b8d-4e6f-9a0b-1c2d3e4f5a6b',
    version: 1,
    issuedAt: '2026-12-05T09:30:12.345Z',
    language: 'en',
    statement: {
      id: '5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22',
      title: 'Zero-emission construction sites',
      description: 'Joint demand for zero-emission construction machinery and machinery hire.',
      cpvCodes: ['43262100', '34144710', '45000000', '71000000'],
    },
    lead: oslo,
    buyers: [oslo, helsinki, copenhagen, bodo, barcelona],
    unnamedBuyers: 0,
    centralPurchasingBody: null,
    jointProcurement: {
      kind: 'cross-border',
      route: 'joint',
      applicableLaw: null,
      countries: ['DK', 'ES', 'FI', 'NO'],
    },
    estimatedValueEur: '48250000.00',
    answersDeadline: '2027-01-15T12:00:00+01:00',
    consultationUrl: 'https://jointdemand.example.eu/consultations/5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22',
    ...over,
  };
}

const values = (byField: Map<string, XmlLeaf[]>, field: string) => (byField.get(field) ?? []).map((l) => l.text);

/** The organisation (ORG-nnnn) each OPP-050 indicator belongs to: the company id written just after it. */
function groupLeads(leaves: readonly XmlLeaf[]): string[] {
  const leads: string[] = [];
  leaves.forEach((l, i) => {
    if (l.path.endsWith('efbc:GroupLeadIndicator') && l.text === 'true')
      leads.push(leaves.slice(i).find((n) => n.path.endsWith('efac:Company/cac:PartyIdentification/cbc:ID'))!.text);
  });
  return leads;
}

const scenes: [string, E1NoticeInput][] = [
  [
    'one buyer country (Norway, occasional joint procurement)',
    input({
      buyers: [oslo, bodo],
      jointProcurement: { kind: 'occasional', route: 'joint', applicableLaw: null, countries: ['NO'] },
      statement: { ...input().statement, cpvCodes: ['43262100'] },
    }),
  ],
  ['several countries (cross-border, Art. 39)', input()],
  [
    'a central purchasing body runs it',
    input({
      centralPurchasingBody: adda,
      jointProcurement: {
        kind: 'cross-border',
        route: 'central_purchasing_body',
        applicableLaw: 'SE',
        countries: ['FI', 'NO'],
      },
      buyers: [oslo, helsinki],
    }),
  ],
  [
    'non-ASCII and <&> in the texts, in French',
    input({
      language: 'fr',
      lead: { ...oslo, name: 'Ville d’Oslo <Bymiljøetaten> & Co' },
      buyers: [helsinki, { ...copenhagen, name: '"Københavns" & <Kommune>' }],
      statement: {
        ...input().statement,
        title: 'Chantiers « zéro émission » <pelles> & chargeuses — 2027',
        description:
          'Besoin conjoint : pelles <électriques> & chargeuses, prix < 1 M€ ; ]]> ne casse rien. Ζ, 漢字, 🚜.',
      },
      jointProcurement: { kind: 'cross-border', route: 'joint', applicableLaw: null, countries: ['DK', 'FI', 'NO'] },
    }),
  ],
  [
    'in German, only the lead named, the value withheld',
    input({
      language: 'de',
      buyers: [],
      unnamedBuyers: 4,
      estimatedValueEur: null,
      statement: {
        ...input().statement,
        title: 'Emissionsfreie Baustellen',
        description: 'Gemeinsamer Bedarf an emissionsfreien Baumaschinen.',
      },
    }),
  ],
];

describe('the market consultation as an eForms E1 notice', () => {
  const e1Fields = noticeTypeFields('E1');

  it.each(scenes)('%s: valid against the SDK 1.15.1 PriorInformationNotice XSD', async (_name, scene) => {
    const { xml } = buildE1Notice(scene);
    const result = await validateAgainstPinXsd(xml);
    expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(scenes)('%s: every field written is one of E1, and every mandatory field is there', (_name, scene) => {
    const leaves = xmlLeaves(buildE1Notice(scene).xml);
    const byField = fieldsOf(leaves);
    for (const field of byField.keys()) expect(e1Fields.has(field), `${field} is a field of E1`).toBe(true);
    for (const field of mandatoryInE1) expect(byField.has(field), `${field} is mandatory in E1`).toBe(true);
    // BR-BT-00727-0228/0230: a place of performance, for the procedure and the lot.
    expect(byField.has('BT-5141-Procedure') || byField.has('BT-727-Procedure')).toBe(true);
    expect(byField.has('BT-5141-Lot') || byField.has('BT-727-Lot')).toBe(true);
    // A country with a NUTS region has its code; one without says "anywhere in the country" (BT-5071 / BT-727).
    const places = (byField.get('BT-5141-Procedure') ?? []).length;
    expect((byField.get('BT-5071-Procedure') ?? []).length + (byField.get('BT-727-Procedure') ?? []).length).toBe(
      places,
    );
    // BT-01(f) is written whenever BT-01(e) is, and neither without the other.
    expect(byField.has('BT-01(e)-Procedure')).toBe(byField.has('BT-01(f)-Procedure'));
  });

  it('fills the preset values E1.json gives for the fields it writes', () => {
    const presets = [...e1Fields.values()].filter((f) => f._presetValue !== undefined);
    expect(presets.map((f) => f.id)).toEqual(
      expect.arrayContaining(['BT-26(m)-Procedure', 'BT-01(e)-Procedure', 'BT-05(a)-notice']),
    );
    expect([...e1Fields.values()].some((f) => f._mandatory !== undefined)).toBe(false);
    const xml = buildE1Notice(input()).xml;
    const leaves = xmlLeaves(xml);
    const byField = fieldsOf(leaves);
    // BT-26: the classification is CPV (the listName of every BT-262/BT-263 code).
    for (const f of ['BT-262-Procedure', 'BT-263-Procedure', 'BT-262-Lot', 'BT-263-Lot'])
      for (const leaf of byField.get(f) ?? [])
        expect(leaf.attributes.listName).toBe(presets.find((p) => p.id === 'BT-26(m)-Procedure')!._presetValue);
    expect(values(byField, 'BT-01(e)-Procedure')).toEqual([
      presets.find((p) => p.id === 'BT-01(e)-Procedure')!._presetValue,
    ]);
    // BT-05 is {NOW}: the moment the notice is made, in UTC.
    expect(values(byField, 'BT-05(a)-notice')).toEqual(['2026-12-05Z']);
    expect(values(byField, 'BT-05(b)-notice')).toEqual(['09:30:12Z']);
  });

  it('names the notice and its kind as the SDK says for E1', () => {
    const leaves = xmlLeaves(buildE1Notice(input()).xml);
    const byField = fieldsOf(leaves);
    expect(values(byField, 'OPP-070-notice')).toEqual(['E1']);
    expect(values(byField, 'BT-02-notice')).toEqual(['pmc']);
    expect(byField.get('BT-02-notice')![0]!.attributes.listName).toBe('consultation');
    expect(values(byField, 'BT-01-notice')).toEqual(['32014L0024']);
    expect(values(byField, 'OPT-002-notice')).toEqual(['eforms-sdk-1.15']);
    expect(values(byField, 'BT-701-notice')).toEqual(['3f1c2a4e-7b8d-4e6f-9a0b-1c2d3e4f5a6b']);
    expect(values(byField, 'BT-757-notice')).toEqual(['01']);
    // The answers are due at noon in Oslo, 11:00 UTC.
    expect(values(byField, 'BT-800(d)-Lot')).toEqual(['2027-01-15Z']);
    expect(values(byField, 'BT-800(t)-Lot')).toEqual(['11:00:00Z']);
    expect(values(byField, 'BT-18-Lot')).toEqual([input().consultationUrl]);
  });

  it('lists every buyer once, the lead first and marked as the group lead (OPP-050), with its legal type (BT-11)', () => {
    const { xml, organisations } = buildE1Notice(input());
    const leaves = xmlLeaves(xml);
    const byField = fieldsOf(leaves);
    expect(organisations[0]).toEqual({ id: 'ORG-0001', orgId: oslo.orgId, groupLead: true });
    expect(organisations.filter((o) => o.groupLead)).toHaveLength(1);
    expect(values(byField, 'OPT-300-Procedure-Buyer')).toEqual([
      'ORG-0001',
      'ORG-0002',
      'ORG-0003',
      'ORG-0004',
      'ORG-0005',
    ]);
    expect(values(byField, 'OPT-200-Organization-Company')).toEqual([
      'ORG-0001',
      'ORG-0002',
      'ORG-0003',
      'ORG-0004',
      'ORG-0005',
    ]);
    expect(groupLeads(leaves)).toEqual(['ORG-0001']);
    expect(values(byField, 'BT-500-Organization-Company')).toEqual([
      'Oslo kommune',
      'Ajuntament de Barcelona',
      'Bodø kommune',
      'Helsingin kaupunki',
      'Københavns Kommune',
    ]);
    expect(values(byField, 'BT-514-Organization-Company')).toEqual(['NOR', 'ESP', 'NOR', 'FIN', 'DNK']);
    // grp-p-aut is no longer an eForms code (SDK 1.15.1): Barcelona's BT-11 is left out, not written wrong.
    expect(values(byField, 'BT-11-Procedure-Buyer')).toEqual(['la', 'la', 'la', 'la']);
    const legalTypes = eformsCodes('buyer-legal-type');
    for (const v of values(byField, 'BT-11-Procedure-Buyer')) expect(legalTypes.has(v)).toBe(true);
    const countries = eformsCodes('country');
    for (const f of ['BT-514-Organization-Company', 'BT-5141-Procedure', 'BT-5141-Lot'])
      for (const v of values(byField, f)) expect(countries.has(v), v).toBe(true);
    expect(eformsCodes('language_eu-official-language').has(values(byField, 'BT-702(a)-notice')[0]!)).toBe(true);
  });

  it('with the lead alone named there is no buyers group: OPP-050 is forbidden then, and the others are only counted', () => {
    const leaves = xmlLeaves(buildE1Notice(scenes[4]![1]).xml);
    const byField = fieldsOf(leaves);
    expect(values(byField, 'OPT-300-Procedure-Buyer')).toEqual(['ORG-0001']);
    expect(byField.has('OPP-050-Organization')).toBe(false);
    expect(values(byField, 'BT-300-Procedure')[0]).toContain('5 öffentlichen Auftraggebern');
    expect(values(byField, 'BT-300-Procedure')[0]).toContain('4 davon werden auf eigenen Wunsch nicht genannt');
  });

  it('says which national law applies where E1 allows it (BT-01(f)); BT-09 is not a field of E1', () => {
    expect(e1Fields.has('BT-09(a)-Procedure')).toBe(false);
    expect(e1Fields.has('BT-09(b)-Procedure')).toBe(false);
    const law = (scene: E1NoticeInput) => {
      const xml = buildE1Notice(scene).xml;
      expect(xml).not.toContain('CrossBorderLaw');
      return values(fieldsOf(xmlLeaves(xml)), 'BT-01(f)-Procedure');
    };
    const [crossBorder] = law(input());
    // Norway is an EEA country, not an EU Member State (issue 19): the buyers' countries are "countries".
    expect(crossBorder).toContain('from different countries (Denmark, Spain, Finland, Norway)');
    expect(crossBorder).not.toContain('Member State');
    expect(crossBorder).toContain('Art. 39(4)');
    expect(law(scenes[0]![1])).toEqual([
      'Occasional joint procurement by contracting authorities of Norway (Directive 2014/24/EU Art. 38); the national law of Norway applies.',
    ]);
    expect(law(scenes[2]![1])[0]).toContain(
      'central purchasing body of Sweden; the national provisions of Sweden apply',
    );
    expect(law(input({ language: 'de' }))[0]).toContain('(Dänemark, Spanien, Finnland, Norwegen)');
    expect(law(input({ language: 'fr' }))[0]).toContain('(Danemark, Espagne, Finlande, Norvège)');
    // One buyer procuring alone: no joint procurement, no law to state.
    expect(
      law(
        input({
          buyers: [],
          jointProcurement: { kind: 'single-buyer', route: 'joint', applicableLaw: null, countries: ['NO'] },
        }),
      ),
    ).toEqual([]);
    // Thirty countries do not fit in BT-01(f)'s 400 characters: the sentence is kept without the list.
    const all = [...participatingCountries];
    const [long] = law(
      input({ jointProcurement: { kind: 'cross-border', route: 'joint', applicableLaw: null, countries: all } }),
    );
    expect(long!.length).toBeLessThanOrEqual(400);
    expect(long).toContain('Art. 39(4)');
  });

  it('marks a central purchasing body with OPP-051/OPP-052 as a buyer of the notice, the lead staying the group lead', () => {
    const { xml, organisations } = buildE1Notice(scenes[2]![1]);
    const leaves = xmlLeaves(xml);
    const byField = fieldsOf(leaves);
    expect(organisations.map((o) => o.orgId)).toEqual([oslo.orgId, helsinki.orgId, adda.orgId]);
    expect(values(byField, 'OPT-300-Procedure-Buyer')).toContain('ORG-0003');
    expect(values(byField, 'OPP-051-Organization')).toEqual(['true']);
    expect(values(byField, 'OPP-052-Organization')).toEqual(['true']);
    expect(groupLeads(leaves)).toEqual(['ORG-0001']);
    // The place of performance is where the buyers are, not the CPB's country.
    expect(values(byField, 'BT-5141-Procedure')).toEqual(['FIN', 'NOR']);
  });

  it('escapes the texts and keeps them as written', () => {
    const scene = scenes[3]![1];
    const { xml } = buildE1Notice(scene);
    expect(xml).toContain('&lt;pelles&gt; &amp; chargeuses');
    expect(xml).not.toContain('<pelles>');
    const byField = fieldsOf(xmlLeaves(xml));
    expect(values(byField, 'BT-21-Procedure')).toEqual([scene.statement.title]);
    expect(values(byField, 'BT-24-Procedure')).toEqual([scene.statement.description]);
    expect(values(byField, 'BT-500-Organization-Company')[0]).toBe('Ville d’Oslo <Bymiljøetaten> & Co');
    for (const leaf of byField.get('BT-21-Procedure')!) expect(leaf.attributes.languageID).toBe('FRA');
  });

  it('removes control characters and direction overrides that XML or a reader would choke on', async () => {
    const { xml } = buildE1Notice(
      input({
        statement: {
          ...input().statement,
          title: 'Excavators\u0007 \u202Egnp.exe',
          description: 'Line one\u0000\nline two',
        },
      }),
    );
    expect(values(fieldsOf(xmlLeaves(xml)), 'BT-21-Procedure')).toEqual(['Excavators gnp.exe']);
    expect((await validateAgainstPinXsd(xml)).valid).toBe(true);
  });

  it('carries the estimated value (BT-27) only when it is given, and no other amount', () => {
    const shown = buildE1Notice(input()).xml;
    const byField = fieldsOf(xmlLeaves(shown));
    expect(values(byField, 'BT-27-Procedure')).toEqual(['48250000.00']);
    expect(byField.get('BT-27-Procedure')![0]!.attributes.currencyID).toBe('EUR');
    expect(byField.has('BT-27-Lot')).toBe(false);
    const withheld = buildE1Notice(input({ estimatedValueEur: null })).xml;
    expect(withheld).not.toContain('EstimatedOverallContractAmount');
    expect(withheld).not.toContain('48250000');
  });

  it('gives the main nature from the first CPV code and the others as additional natures and codes', () => {
    const byField = fieldsOf(xmlLeaves(buildE1Notice(input()).xml));
    expect(values(byField, 'BT-262-Procedure')).toEqual(['43262100']);
    expect(values(byField, 'BT-263-Procedure')).toEqual(['34144710', '45000000', '71000000']);
    expect(values(byField, 'BT-23-Procedure')).toEqual(['supplies']);
    expect(values(byField, 'BT-531-Procedure')).toEqual(['works', 'services']);
  });

  it('refuses what eForms cannot carry, naming the field', () => {
    const tooLong = () => buildE1Notice(input({ statement: { ...input().statement, description: 'x'.repeat(6001) } }));
    expect(tooLong).toThrow(DomainError);
    try {
      tooLong();
    } catch (e) {
      expect((e as DomainError).code).toBe('unprocessable');
      expect((e as DomainError).problems[0]!.field).toBe('description');
      expect((e as DomainError).problems[0]!.rule).toContain('6000');
    }
    expect(() => buildE1Notice(input({ lead: { ...oslo, country: 'CH' } }))).toThrow(/cannot be written/);
    expect(() => buildE1Notice(input({ noticeId: 'not-a-uuid' }))).toThrow(DomainError);
  });
});
