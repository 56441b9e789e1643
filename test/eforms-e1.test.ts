import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { e1NoticeIdFor } from '../services/consultation/export-e1-notice.js';
import { validateAgainstPinXsd, type XmlLeaf, xmlLeaves } from './support/eforms-validator.js';
import { ApiClient, type Harness, makeActor, needLine, startHarness, statementDetails } from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, "eForms": the market consultation as an eForms E1 pre-market consultation notice the
 * lead downloads for TED, on the real services. Valid against the SDK 1.15.1 XSD; the lead marked
 * OPP-050; only the buyers that agreed to be named; the estimated value only when the public page
 * shows it and no buyer's own figure (the notice is public once submitted); every wrong viewer refused.
 */
describe('the eForms E1 notice of a market consultation', () => {
  let h: Harness;
  let oslo: Actor, helsinki: Actor, copenhagen: Actor, bodo: Actor, outsider: Actor;
  let commission: Actor, supplier: Actor, admin: Actor;
  let id = '';
  let small = '';
  const url = (statementId: string, lang?: string) =>
    `/api/statements/${statementId}/consultation/eforms-e1.xml${lang ? `?lang=${lang}` : ''}`;
  const leaf = (leaves: readonly XmlLeaf[], suffix: string) => leaves.filter((l) => l.path.endsWith(suffix));
  const texts = (leaves: readonly XmlLeaf[], path: string) => leaves.filter((l) => l.path === path).map((l) => l.text);

  // Each buyer's own figures: none of them may be in the public notice.
  const lines = {
    oslo: needLine({ quantity: '4', unitPrice: '451000', description: 'Oslo own excavators, secret 451000' }),
    helsinki: needLine({ quantity: '3', unitPrice: '433000', description: 'Helsinki own excavators' }),
    copenhagen: needLine({ quantity: '7', unitPrice: '467000', description: 'Copenhagen own excavators' }),
  };

  beforeAll(async () => {
    h = await startHarness();
    oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo kommune <Bymiljøetaten> & Co', country: 'NO' });
    helsinki = await makeActor(h, { kind: 'buyer', name: 'Helsingin kaupunki', country: 'FI', buyerLegalType: 'ra' });
    copenhagen = await makeActor(h, { kind: 'buyer', name: 'Københavns Kommune (unnamed)', country: 'DK' });
    bodo = await makeActor(h, { kind: 'buyer', name: 'Bodø kommune', country: 'NO' });
    outsider = await makeActor(h, { kind: 'buyer', name: 'Never invited', country: 'SE' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true });
    await h.db.updateTable('organisations').set({ nuts: 'NO081' }).where('id', '=', oslo.org.id).execute();
    await h.db.updateTable('organisations').set({ nuts: 'FI1B1' }).where('id', '=', helsinki.org.id).execute();
    id = await statementInMarketEngagement(h, oslo, [
      [oslo, [lines.oslo]],
      [helsinki, [lines.helsinki]],
      [copenhagen, [lines.copenhagen]],
    ]);
    // All three agree to show their figures, so the public page shows the total (three buyers alone
    // would withhold it: two of them together would read the third's figure from it).
    for (const a of [oslo, helsinki, copenhagen]) {
      const shown = await a.api.put(`/api/statements/${id}/figure-consent`, { agree: true });
      expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    }
    // Helsinki agrees to be named; Copenhagen does not say.
    const consent = await helsinki.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true });
    expect(consent.status, JSON.stringify(consent.body)).toBe(200);
    // Two buyers of one country: their total is one buyer's figure away from each, so it is withheld.
    small = await statementInMarketEngagement(h, oslo, [
      [oslo, [lines.oslo]],
      [bodo, [needLine({ quantity: '2', unitPrice: '440000' })]],
    ]);
  }, 240_000);

  afterAll(async () => {
    await h?.close();
  });

  it('gives the lead a valid E1 notice as a download, the lead marked OPP-050, only the named buyers listed', async () => {
    const res = await oslo.api.get<string>(url(id));
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="eforms-e1-${id}.xml"`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const xml = res.body;
    const result = await validateAgainstPinXsd(xml);
    expect(result.errors.map((e) => e.rawMessage)).toEqual([]);

    const leaves = xmlLeaves(xml);
    expect(texts(leaves, 'cbc:ID')).toEqual([e1NoticeIdFor(id)]);
    expect(texts(leaves, 'cbc:NoticeLanguageCode')).toEqual(['ENG']);
    expect(leaf(leaves, 'efac:NoticeSubType/cbc:SubTypeCode').map((l) => l.text)).toEqual(['E1']);
    const names = leaf(leaves, 'efac:Company/cac:PartyName/cbc:Name').map((l) => l.text);
    expect(names).toEqual([oslo.org.name, helsinki.org.name]);
    expect(xml).not.toContain('Københavns');
    // OPP-050 on ORG-0001, the lead; it comes before the company it marks.
    const leads = leaf(leaves, 'efbc:GroupLeadIndicator');
    expect(leads.map((l) => l.text)).toEqual(['true']);
    const next = leaves
      .slice(leaves.indexOf(leads[0]!))
      .find((l) => l.path.endsWith('efac:Company/cac:PartyIdentification/cbc:ID'));
    expect(next?.text).toBe('ORG-0001');
    expect(texts(leaves, 'cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID')).toEqual([
      'ORG-0001',
      'ORG-0002',
    ]);
    expect(texts(leaves, 'cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode')).toEqual(['la', 'ra']);
    // Where the buyers are: their NUTS-3 regions.
    expect(texts(leaves, 'cac:ProcurementProject/cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode')).toEqual([
      'FI1B1',
      'NO081',
    ]);
    // Three buyers in three countries: cross-border (Art. 39), the law to be set by the agreement (Art. 39(4)); no BT-09 in E1.
    const [law] = texts(
      leaves,
      'cac:TenderingTerms/cac:ProcurementLegislationDocumentReference/cbc:DocumentDescription',
    );
    expect(law).toContain('(Denmark, Finland, Norway)');
    expect(law).toContain('Art. 39(4)');
    expect(xml).not.toContain('CrossBorderLaw');
    const [note] = texts(leaves, 'cac:ProcurementProject/cbc:Note');
    expect(note).toContain('3 public buyers, led by Oslo kommune <Bymiljøetaten> & Co; 1 of them is not named');
    expect(note).toContain(`/consultations/${id}`);
    // The deadline for answers is the consultation's.
    const deadline = new Date((await oslo.api.get(`/api/consultations/${id}`)).body.deadline as string);
    expect(leaf(leaves, 'efac:AnswerReceptionPeriod/cbc:EndDate').map((l) => l.text)).toEqual([
      `${deadline.toISOString().slice(0, 10)}Z`,
    ]);
    // The same notice id on every download: one notice per consultation.
    expect(xmlLeaves((await oslo.api.get<string>(url(id))).body).find((l) => l.path === 'cbc:ID')?.text).toBe(
      e1NoticeIdFor(id),
    );
  });

  it('carries the estimated total only when the public page shows it, and no buyer’s own figure or line', async () => {
    const xml = (await oslo.api.get<string>(url(id))).body;
    const page = (await new ApiClient(h.baseUrl).get(`/api/consultations/${id}`)).body as {
      demand: { totals: { valueEur: string | null; withheld: boolean } };
    };
    expect(page.demand.totals.withheld).toBe(false);
    const amounts = leaf(xmlLeaves(xml), 'cbc:EstimatedOverallContractAmount');
    expect(amounts.map((l) => l.text)).toEqual([page.demand.totals.valueEur]);
    expect(amounts[0]!.attributes.currencyID).toBe('EUR');
    for (const own of ['1804000', '1299000', '3269000', '451000', '433000', '467000', 'own excavators'])
      expect(xml, own).not.toContain(own);

    const withheld = await oslo.api.get<string>(url(small));
    expect(withheld.status).toBe(200);
    expect((await validateAgainstPinXsd(withheld.body)).valid).toBe(true);
    const smallPage = (await new ApiClient(h.baseUrl).get(`/api/consultations/${small}`)).body as {
      demand: { totals: { withheld: boolean } };
    };
    expect(smallPage.demand.totals.withheld).toBe(true);
    expect(withheld.body).not.toContain('EstimatedOverallContractAmount');
    for (const own of ['1804000', '880000', '451000', '440000']) expect(withheld.body, own).not.toContain(own);
    // Bodø did not agree to be named: the lead is the one buyer of the notice, so there is no group lead (OPP-050 forbidden).
    expect(withheld.body).not.toContain('GroupLeadIndicator');
    expect(withheld.body).toContain('Occasional joint procurement by contracting authorities of Norway');
  });

  it('writes the notice in the language asked for', async () => {
    for (const [lang, code, words] of [
      [
        'de',
        'DEU',
        'Gemeinsame Beschaffung öffentlicher Auftraggeber aus verschiedenen Ländern (Dänemark, Finnland, Norwegen)',
      ],
      ['fr', 'FRA', 'Marché conjoint de pouvoirs adjudicateurs de différents pays (Danemark, Finlande, Norvège)'],
    ] as const) {
      const res = await oslo.api.get<string>(url(id, lang));
      expect(res.status).toBe(200);
      const leaves = xmlLeaves(res.body);
      expect(texts(leaves, 'cbc:NoticeLanguageCode')).toEqual([code]);
      expect(leaves.find((l) => l.path === 'cac:ProcurementProject/cbc:Name')?.attributes.languageID).toBe(code);
      expect(res.body).toContain(words);
      expect((await validateAgainstPinXsd(res.body)).valid).toBe(true);
    }
    const bad = await oslo.api.get(url(id, 'sv'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('lang');
  });

  it('refuses every viewer but the lead, and the lead outside market engagement', async () => {
    expect((await new ApiClient(h.baseUrl).get(url(id))).status).toBe(401);
    // A participant, Commission staff and an administrator see the statement but may not act for the lead.
    for (const who of [helsinki, copenhagen, commission, admin])
      expect((await who.api.get(url(id))).status, who.org.name).toBe(403);
    // Before publication the statement is hidden from suppliers and buyers with no part in it.
    for (const who of [supplier, outsider]) expect((await who.api.get(url(id))).status, who.org.name).toBe(404);
    // The statement another lead runs: hidden from Oslo.
    const draft = await helsinki.api.post('/api/statements', statementDetails());
    expect((await oslo.api.get(url(draft.body.id as string))).status).toBe(404);
    // The lead, before its consultation exists.
    const early = await helsinki.api.get(url(draft.body.id as string));
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('wrong_stage');
  });
});
