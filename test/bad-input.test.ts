import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countStatements, type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

describe('bad input gets a 4xx naming the field and the rule, and nothing is written', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  let supplier: Awaited<ReturnType<typeof makeActor>>;
  let statementId: string;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'FR', sme: false });
    statementId = (await lead.api.post('/api/statements', statementDetails())).body.id;
  });
  afterAll(async () => h?.close());

  it('rejects malformed JSON with 400 and no stack trace', async () => {
    const res = await lead.api.post('/api/statements', '{"title": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'invalid_input',
      errors: [{ field: '(body)', rule: 'must be valid JSON' }],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('names every missing field', async () => {
    const before = await countStatements(h.db, lead.org.id);
    const res = await lead.api.post('/api/statements', {});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field).sort()).toEqual(['cpvCodes', 'description', 'schedule', 'title']);
    expect(res.body.errors.every((e: any) => e.rule === 'is required')).toBe(true);
    expect(await countStatements(h.db, lead.org.id)).toBe(before);
  });

  it('names malformed fields and their rules, down to nested ones', async () => {
    const details = statementDetails({
      title: 'ab',
      cpvCodes: ['43260000-3', '1234', '99000000'],
      schedule: {
        ...statementDetails().schedule,
        needsAssessment: 'P1M',
        deliveryFromYear: 2030,
        deliveryToYear: 2029,
        expectedProcurementStart: '2027-13-01',
      },
      criticalMass: { minBuyers: 0, minTotalValueEur: '-5' },
    });
    const before = await countStatements(h.db, lead.org.id);
    const res = await lead.api.post('/api/statements', details);
    expect(res.status).toBe(400);
    const byField = Object.fromEntries(res.body.errors.map((e: any) => [e.field, e.rule]));
    expect(byField.title).toBe('must be at least 3 characters');
    expect(byField['cpvCodes[1]']).toMatch(/must be a CPV code/);
    expect(byField['cpvCodes[2]']).toMatch(/known division/);
    expect(byField['schedule.needsAssessment']).toMatch(/ISO 8601 duration/);
    expect(byField['schedule.expectedProcurementStart']).toMatch(/YYYY-MM-DD/);
    expect(byField['criticalMass.minBuyers']).toBeDefined();
    expect(byField['criticalMass.minTotalValueEur']).toMatch(/non-negative decimal/);
    expect(await countStatements(h.db, lead.org.id)).toBe(before);
  });

  it('rejects an inverted delivery horizon', async () => {
    const res = await lead.api.post(
      '/api/statements',
      statementDetails({ schedule: { ...statementDetails().schedule, deliveryFromYear: 2030, deliveryToYear: 2029 } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({
      field: 'schedule.deliveryToYear',
      rule: 'must not be before deliveryFromYear',
    });
  });

  it('refuses a minimum of 1 buyer at creation (Art. 38(1)): the statement could never open its needs assessment', async () => {
    const before = await countStatements(h.db, lead.org.id);
    const res = await lead.api.post('/api/statements', statementDetails({ criticalMass: { minBuyers: 1 } }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        field: 'criticalMass.minBuyers',
        rule: 'must be at least 2: a joint procurement is carried out by two or more contracting authorities, the lead buyer and at least one other (Directive 2014/24/EU Art. 38(1))',
      },
    ]);
    expect(await countStatements(h.db, lead.org.id)).toBe(before);
  });

  it('refuses dates the law’s periods cannot apply to (422), and warns of those only unusual', async () => {
    const year = new Date().getUTCFullYear();
    const schedule = statementDetails().schedule;
    const before = await countStatements(h.db, lead.org.id);
    const past = await lead.api.post(
      '/api/statements',
      statementDetails({
        schedule: {
          ...schedule,
          expectedProcurementStart: `${year - 5}-03-01`,
          deliveryFromYear: year - 5,
          deliveryToYear: year - 4,
        },
      }),
    );
    expect(past.status).toBe(422);
    expect(past.body.errors.map((e: any) => e.field)).toEqual([
      'schedule.expectedProcurementStart',
      'schedule.deliveryToYear',
    ]);
    expect(past.body.errors[0].rule).toMatch(/^must not be before today .*Art\. 40/);
    expect(await countStatements(h.db, lead.org.id)).toBe(before);

    const unusual = await lead.api.post(
      '/api/statements',
      statementDetails({ schedule: { ...schedule, deliveryFromYear: year - 1, deliveryToYear: year + 2 } }),
    );
    expect(unusual.status).toBe(201);
    expect(unusual.body.scheduleWarnings).toContainEqual(
      expect.objectContaining({ field: 'schedule.deliveryFromYear', code: 'deliveryStartsInPastYear' }),
    );
    // The same rules hold when the lead changes the schedule.
    const edited = await lead.api.patch(`/api/statements/${unusual.body.id}`, {
      schedule: { ...schedule, expectedProcurementStart: `${year - 1}-01-01` },
    });
    expect(edited.status).toBe(422);
    expect(edited.body.errors.map((e: any) => e.field)).toEqual(['schedule.expectedProcurementStart']);
  });

  it('rejects a path id that is not a UUID, and an unknown route', async () => {
    const res = await lead.api.get('/api/statements/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'statementId', rule: 'must be a statement id (UUID)' }]);
    expect((await lead.api.get('/api/nothing-here')).status).toBe(404);
    expect((await lead.api.get('/api/statements/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses to invite what is not a registered buyer organisation (422), inviting nobody', async () => {
    const res = await lead.api.post(`/api/statements/${statementId}/invitations`, {
      organisationIds: [supplier.org.id, '00000000-0000-4000-8000-000000000000', lead.org.id],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'organisationIds[0]', rule: 'must be a buyer organisation' },
      { field: 'organisationIds[1]', rule: 'must be the id of a registered organisation' },
    ]);
    const onlyLead = await lead.api.post(`/api/statements/${statementId}/invitations`, {
      organisationIds: [lead.org.id],
    });
    expect(onlyLead.status).toBe(422);
    expect(onlyLead.body.errors).toEqual([{ field: 'organisationIds[0]', rule: 'must not be the lead buyer' }]);
    expect(
      (await lead.api.get(`/api/statements/${statementId}`)).body.participants.map((p: any) => p.organisationId),
    ).toEqual([lead.org.id]);
    expect((await lead.api.post(`/api/statements/${statementId}/invitations`, { organisationIds: [] })).status).toBe(
      400,
    );
  });

  it('refuses to open the needs assessment before anyone has joined, or with a past deadline', async () => {
    const res = await lead.api.post(`/api/statements/${statementId}/needs-assessment/open`, {});
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        field: 'participants',
        rule: 'must include at least one buyer that accepted the invitation: a joint procurement is carried out by two or more contracting authorities (Directive 2014/24/EU Art. 38(1))',
      },
    ]);
    const past = await lead.api.post(`/api/statements/${statementId}/needs-assessment/open`, {
      deadline: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(422);
    const malformed = await lead.api.post(`/api/statements/${statementId}/needs-assessment/open`, {
      deadline: 'tomorrow',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('deadline');
    expect((await lead.api.get(`/api/statements/${statementId}`)).body.stage).toBe('draft');
  });

  it('requires a reason to cancel', async () => {
    const res = await lead.api.post(`/api/statements/${statementId}/cancel`, { reason: ' ' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ field: 'reason', rule: 'must give a reason of at least 3 characters' });
    expect((await lead.api.get(`/api/statements/${statementId}`)).body.stage).toBe('draft');
  });

  it('rejects an empty patch', async () => {
    const res = await lead.api.patch(`/api/statements/${statementId}`, {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].rule).toBe('must change at least one field');
  });

  it('rejects bad organisation registrations with field names', async () => {
    const admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true });
    const res = await admin.api.post('/api/organisations', {
      kind: 'buyer',
      name: 'X City',
      country: 'US',
      buyerLegalType: 'mayor',
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: any) => e.field).sort();
    expect(fields).toEqual(['buyerLegalType', 'country']);
    const noType = await admin.api.post('/api/organisations', { kind: 'buyer', name: 'Y City', country: 'EE' });
    expect(noType.status).toBe(422);
    expect(noType.body.errors).toEqual([{ field: 'buyerLegalType', rule: 'is required for a buyer organisation' }]);
  });
});
