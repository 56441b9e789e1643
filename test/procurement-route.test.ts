import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The central purchasing body route on the real services (Directive 2014/24/EU Art. 37,
 * Art. 39(2)-(3)): buyers from three Member States have Hansel (FI), a central purchasing body
 * that awards contracts (eForms OPP-051), run their procurement. Its Member State's national
 * provisions apply and no Art. 39(4) agreement is needed: the aggregate, the statement text, the
 * agreement and the Commission's dashboard all say so.
 */
describe('procurement through a central purchasing body in another Member State', () => {
  let h: Harness;
  let oslo: Actor;
  let copenhagen: Actor;
  let helsinki: Actor;
  let hansel: Actor;
  let acquiringOnly: Actor;
  let plainBuyer: Actor;
  let commission: Actor;
  let id: string;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const route = () => `/api/statements/${id}/procurement-route`;

  beforeAll(async () => {
    h = await startHarness();
    oslo = await makeActor(
      h,
      { kind: 'buyer', name: 'Oslo kommune', country: 'NO' },
      { label: 'oslo', roles: ['signatory'] },
    );
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Copenhagen', country: 'DK' },
      { label: 'cph', roles: ['signatory'] },
    );
    helsinki = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
      { label: 'hel', roles: ['signatory'] },
    );
    hansel = await makeActor(h, {
      kind: 'buyer',
      name: 'Hansel Oy',
      country: 'FI',
      buyerLegalType: 'body-pl-cga',
      awardingCpb: true,
    });
    acquiringOnly = await makeActor(h, { kind: 'buyer', name: 'Wholesale CPB', country: 'SE', acquiringCpb: true });
    plainBuyer = await makeActor(h, { kind: 'buyer', name: 'City of Tampere', country: 'FI' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'dg-grow' });
  }, 180_000);
  afterAll(async () => h?.close());

  it('lets the lead choose a buyer recorded as a central purchasing body, and refuses any other with the rule and its source', async () => {
    const created = ok(
      await oslo.api.post('/api/statements', {
        title: 'Refused routes',
        description: 'Works need an awarding CPB.',
        cpvCodes: ['45262000'],
        schedule: {
          deliveryFromYear: new Date().getUTCFullYear() + 1,
          deliveryToYear: new Date().getUTCFullYear() + 2,
          expectedProcurementStart: `${new Date().getUTCFullYear() + 1}-03-01`,
        },
      }),
    ).body.id as string;
    const put = (orgId: string) =>
      oslo.api.put(`/api/statements/${created}/procurement-route`, {
        kind: 'central_purchasing_body',
        centralPurchasingBodyOrgId: orgId,
      });
    const notCpb = await put(plainBuyer.org.id);
    expect(notCpb.status).toBe(422);
    expect(notCpb.body.errors).toEqual([
      { field: 'centralPurchasingBodyOrgId', rule: expect.stringContaining('Directive 2014/24/EU Art. 2(1)(16)') },
    ]);
    const works = await put(acquiringOnly.org.id);
    expect(works.status).toBe(422);
    expect(works.body.errors[0].rule).toContain('the statement includes works (45262000)');
    expect((await put(hansel.org.id)).status).toBe(200);
    // The lead picks from the buyers recorded as CPBs.
    const listed = ok(await oslo.api.get('/api/central-purchasing-bodies')).body.centralPurchasingBodies as {
      organisationId: string;
      awarding: boolean;
      acquiring: boolean;
    }[];
    expect(listed.find((b) => b.organisationId === hansel.org.id)).toMatchObject({ awarding: true, acquiring: false });
    expect(listed.find((b) => b.organisationId === acquiringOnly.org.id)).toMatchObject({
      awarding: false,
      acquiring: true,
    });
    expect(listed.some((b) => b.organisationId === plainBuyer.org.id)).toBe(false);
    // Only the lead chooses.
    expect((await hansel.api.put(`/api/statements/${created}/procurement-route`, { kind: 'joint' })).status).toBe(404);
  });

  it('records the route before aggregation and refuses a change after it (409)', async () => {
    id = await statementInMarketEngagement(
      h,
      oslo,
      [
        [oslo, [needLine({ quantity: '2' })]],
        [copenhagen, [needLine({ quantity: '3' })]],
        [helsinki, [needLine({ quantity: '1' })]],
      ],
      { approval: 'PT2M' },
      { kind: 'central_purchasing_body', centralPurchasingBodyOrgId: hansel.org.id },
    );
    const view = ok(await copenhagen.api.get(route())).body;
    expect(view).toMatchObject({
      route: 'central_purchasing_body',
      centralPurchasingBody: { orgId: hansel.org.id, name: 'Hansel Oy', country: 'FI' },
      applicableLaw: 'FI',
      agreementNeeded: false,
      legalBasis: expect.stringContaining('Art. 39(2)-(3)'),
    });
    const late = await oslo.api.put(route(), { kind: 'joint' });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('before the demand is aggregated');
    expect(ok(await oslo.api.get(`/api/statements/${id}`)).body.allowedActions).not.toContain('chooseProcurementRoute');
  }, 180_000);

  it('says in the aggregate that no Art. 39(4) agreement is needed and whose law applies', async () => {
    const aggregate = ok(await oslo.api.get(`/api/statements/${id}/aggregate`)).body;
    expect(aggregate.crossBorder).toMatchObject({
      kind: 'cross-border',
      countries: ['DK', 'FI', 'NO'],
      needsAgreement: false,
      route: 'central_purchasing_body',
      applicableLaw: 'FI',
      legalBasis: 'Directive 2014/24/EU Art. 37 and Art. 39(2)-(3)',
    });
  });

  it('publishes a text naming the central purchasing body, and starts no agreement', async () => {
    await publish(h, id, oslo, [oslo, copenhagen, helsinki]);
    const text = ok(await copenhagen.api.get(`/api/statements/${id}/text`)).body.text as string;
    // The country by name, in the lead's language (issue 18).
    expect(text).toContain('The procurement will be run by Hansel Oy (Finland), a central purchasing body');
    expect(text).toContain('no joint procurement agreement under Article 39(4) is needed');

    // The OCDS release names the CPB as procuring entity, with the EU extension's role.
    const ocds = ok(await copenhagen.api.get(`/api/public/statements/${id}/ocds.json`)).body as {
      releases: { parties: { id: string; roles: string[] }[]; tender: { procuringEntity: { id: string } } }[];
    };
    const first = ocds.releases[0]!;
    expect(first.tender.procuringEntity.id).toBe(hansel.org.id);
    expect(first.parties.find((p) => p.id === hansel.org.id)!.roles.sort()).toEqual([
      'centralPurchasingBody',
      'procuringEntity',
    ]);

    expect(ok(await oslo.api.get(`/api/statements/${id}`)).body.allowedActions).not.toContain('startAgreement');
    const start = await oslo.api.post(`/api/statements/${id}/agreement`, {});
    expect(start.status).toBe(409);
    expect(start.body.errors).toEqual([{ field: 'procurementRoute', rule: expect.stringContaining('Art. 39(3)') }]);
    expect((await oslo.api.get(`/api/statements/${id}/agreement`)).status).toBe(404);
  }, 180_000);

  it('shows Commission staff the route and that no agreement is needed', async () => {
    const pilot = ok(await commission.api.get(`/api/dashboard?limit=200`)).body.pilots.find(
      (p: { id: string }) => p.id === id,
    );
    expect(pilot).toMatchObject({
      crossBorder: false,
      procurementRoute: {
        route: 'central_purchasing_body',
        centralPurchasingBody: { name: 'Hansel Oy', country: 'FI' },
      },
    });
    const rows = parse(ok(await commission.api.get('/api/dashboard/pilots.csv')).body as string, {
      columns: true,
      bom: true,
    }) as Record<string, string>[];
    expect(rows.find((r) => r.ID === id)).toMatchObject({
      'Cross-border': 'no',
      'Procurement route': 'Central purchasing body',
      'Central purchasing body': 'Hansel Oy (FI)',
    });
  });
});
