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
