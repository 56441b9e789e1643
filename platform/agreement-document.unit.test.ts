import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';

import { agreementTermsSchema } from '../domain/agreement.js';
import { type AgreementVersionContent, renderAgreementPdf } from './agreement-document.js';

const lodz = { orgId: '5f0c1a52-5c1e-4d7e-9a47-1f2a3b4c5d01', name: 'Miasto Łódź', country: 'PL' };
const gyor = { orgId: '5f0c1a52-5c1e-4d7e-9a47-1f2a3b4c5d02', name: 'Győr Megyei Jogú Város', country: 'HU' };
const brno = {
  orgId: '5f0c1a52-5c1e-4d7e-9a47-1f2a3b4c5d03',
  name: 'Statutární město Brno – Černá Pole',
  country: 'CZ',
};
const sofia = { orgId: '5f0c1a52-5c1e-4d7e-9a47-1f2a3b4c5d04', name: 'Столична община', country: 'BG' };
const parties = [lodz, gyor, brno, sofia];

const content: AgreementVersionContent = {
  statementId: '5f0c1a52-5c1e-4d7e-9a47-1f2a3b4c5d00',
  statementTitle: 'Elektryczne ładowarki kołowe',
  kind: 'art39_cross_border',
  parties,
  note: null,
  terms: agreementTermsSchema.parse({
    leadAuthorityOrgId: lodz.orgId,
    applicableLaw: { kind: 'party_country', country: 'PL' },
    procedureType: 'open',
    lots: [{ id: 'LOT-1', title: 'Ładowarki kołowe', cpvCodes: ['43260000-3'] }],
    distributions: parties.map((p) => ({
      orgId: p.orgId,
      lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000', unit: 'H87', quantity: '2' }] }],
    })),
    responsibilities: parties.map((p) => ({ orgId: p.orgId, text: `Ocenia oferty — ${p.name}` })),
    phases: [
      { phase: 'preparation', conductedBy: 'joint' },
      { phase: 'publication', conductedBy: lodz.orgId },
      { phase: 'evaluation', conductedBy: 'joint' },
      { phase: 'award', conductedBy: lodz.orgId },
      { phase: 'contract_management', conductedBy: lodz.orgId },
    ],
    contractConclusion: 'each_party_own_contract',
    costSharing: { method: 'fixed_percentages', shares: parties.map((p) => ({ orgId: p.orgId, percent: '25' })) },
    languages: ['pl', 'hu', 'cs', 'bg'],
    disputeResolution: { text: 'Polubowne rozstrzygnięcie sporów, a następnie sąd.', forum: 'Sąd Okręgowy w Łodzi' },
    duration: { kind: 'months', months: 36 },
    accession: { allowed: false },
  }),
};

async function textOf(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

describe('the agreement PDF', () => {
  const createdAt = new Date('2026-12-01T10:00:00Z');

  it('keeps every letter of the parties’ names and terms, in Latin and Cyrillic scripts', async () => {
    const text = await textOf(await renderAgreementPdf(content, 1, 'c0ffee', createdAt));
    for (const fragment of [
      lodz.name,
      gyor.name,
      brno.name,
      sofia.name,
      'Sąd Okręgowy w Łodzi',
      'Ładowarki kołowe',
      'Polubowne rozstrzygnięcie sporów',
    ]) {
      expect(text).toContain(fragment);
    }
  });

  it('gives the same bytes when rendered again, so its hash can be signed', async () => {
    const [a, b] = [
      await renderAgreementPdf(content, 1, 'c0ffee', createdAt),
      await renderAgreementPdf(content, 1, 'c0ffee', createdAt),
    ];
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
