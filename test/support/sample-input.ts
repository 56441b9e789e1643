/** Valid input for the routes that set a scene (no vitest import: `npm run fuzz` uses it outside the test runner). */

export function statementDetails(overrides: Record<string, unknown> = {}) {
  const year = new Date().getUTCFullYear();
  return {
    title: 'Zero-emission construction machinery',
    description: 'Electric excavators and wheel loaders for city construction sites.',
    cpvCodes: ['43260000-3', '34144900'],
    schedule: {
      needsAssessment: 'P30D',
      confirmation: 'P14D',
      reminderOffsets: ['P7D', 'P1D'],
      deliveryFromYear: year + 1,
      deliveryToYear: year + 3,
      expectedProcurementStart: `${year + 1}-03-01`,
    },
    criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '1000000' },
    ...overrides,
  };
}

export const deliveryYear = new Date().getUTCFullYear() + 1;

/** A valid need line; override what a test is about. */
export function needLine(overrides: Record<string, unknown> = {}) {
  return {
    cpvCode: '43260000-3',
    description: 'Electric excavator, 20 t class',
    quantity: '4',
    unit: 'H87',
    unitPrice: '450000',
    currency: 'EUR',
    delivery: { year: deliveryYear },
    ...overrides,
  };
}

/** A responsibility for each party (Directive 2014/24/EU Art. 39(4)(a) wants every party's): the lead runs the procedure. */
export function responsibilitiesOf(leadOrg: string, partyOrgs: readonly string[]) {
  return partyOrgs.map((orgId) => ({
    orgId,
    text:
      orgId === leadOrg
        ? 'Prepares the procurement documents and runs the procedure.'
        : 'Takes part in the evaluation and concludes its own contract.',
  }));
}

/** Every phase of the procedure conducted jointly (Art. 39(4)(b) wants each phase's conductor). */
export const everyPhaseJointly = () =>
  (['preparation', 'publication', 'evaluation', 'award', 'contract_management'] as const).map((phase) => ({
    phase,
    conductedBy: 'joint',
  }));

/** Agreement terms a lead proposes, between the lead's organisation and a participant's. */
export function agreementTerms(leadOrg: string, participantOrg: string) {
  return {
    leadAuthorityOrgId: leadOrg,
    applicableLaw: { kind: 'party_country', country: 'FI' },
    procedureType: 'open',
    lots: [{ id: 'LOT-1', title: 'Zero-emission construction machinery', cpvCodes: ['43260000-3'] }],
    responsibilities: [
      { orgId: leadOrg, text: 'Prepares the procurement documents and runs the procedure.' },
      { orgId: participantOrg, text: 'Leads the technical evaluation.' },
    ],
    phases: [
      { phase: 'preparation', conductedBy: leadOrg },
      { phase: 'publication', conductedBy: leadOrg },
      { phase: 'evaluation', conductedBy: 'joint' },
      { phase: 'award', conductedBy: 'joint' },
      { phase: 'contract_management', conductedBy: leadOrg },
    ],
    contractConclusion: 'framework_agreement',
    costSharing: { method: 'by_share_of_value' },
    languages: ['en'],
    disputeResolution: {
      text: 'The parties first seek an amicable settlement within 60 days.',
      forum: 'Helsinki District Court',
    },
    duration: { kind: 'months', months: 48 },
    accession: { allowed: false },
  };
}

/**
 * A needs survey with one question of every type (choice, choices, yes/no, number, date, text),
 * about the machinery `statementDetails` buys: what the survey-results tests count, tally and export.
 */
export const surveyOfEveryType = [
  {
    id: 'drive',
    label: 'Which drive do you need?',
    type: 'single_choice',
    options: [
      { id: 'electric', label: 'Battery electric' },
      { id: 'hydrogen', label: 'Hydrogen' },
    ],
  },
  {
    id: 'sites',
    label: 'Where will the machines work?',
    type: 'multiple_choice',
    options: [
      { id: 'city', label: 'City centre' },
      { id: 'port', label: 'Port' },
      { id: 'roads', label: 'Roads' },
    ],
  },
  { id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no' },
  { id: 'fleet', label: 'How many machines do you run today?', type: 'number', unit: 'H87' },
  { id: 'start', label: 'Earliest delivery', type: 'date' },
  { id: 'notes', label: 'Anything else?', type: 'text' },
];
