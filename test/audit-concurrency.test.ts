import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { appendAudit, verifyAuditChain } from '../db/audit.js';
import { createDb, type Db } from '../db/database.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

/**
 * Issue 22: a chain that is being appended to must never look tampered with. Appends commit
 * from several connections (as buyers' draft saves do) while the audit is read and verified in
 * a loop, through the API and straight from the database; every answer must say valid.
 */
describe('audit verification under concurrent appends', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  const writers: Db[] = [];

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    for (let i = 0; i < 4; i++) writers.push(createDb(inject('databaseUrl'), 1));
  });
  afterAll(async () => {
    await Promise.all(writers.map((w) => w.destroy()));
    await h?.close();
  });

  it('answers valid for every one of thousands of verifications while events are appended', async () => {
    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    const statementId = created.body.id as string;

    let writing = true;
    let appended = 0;
    const append = async (w: Db, n: number) => {
      for (let i = 0; i < n; i++) {
        await w.transaction().execute((trx) =>
          appendAudit(trx, {
            chain: statementId,
            eventKey: null,
            statementId,
            actorUserId: lead.user.id,
            actorOrgId: lead.org.id,
            action: 'needs_draft_saved',
            data: { organisationId: lead.org.id, lines: i },
            at: new Date(),
          }),
        );
        appended += 1;
      }
    };
    const appenders = Promise.all(writers.map((w) => append(w, 150))).finally(() => {
      writing = false;
    });

    const alarms: unknown[] = [];
    let viaApi = 0;
    let direct = 0;
    let whileWriting = 0;
    const apiLoop = async () => {
      while (writing || viaApi < 1000) {
        const res = await lead.api.get(`/api/statements/${statementId}/audit?limit=20`);
        expect(res.status).toBe(200);
        viaApi += 1;
        if (writing) whileWriting += 1;
        if (!res.body.verification.valid) alarms.push(res.body.verification);
      }
    };
    const directLoop = async () => {
      while (writing || direct < 1500) {
        const v = await verifyAuditChain(h.db, statementId);
        direct += 1;
        if (writing) whileWriting += 1;
        if (!v.valid) alarms.push(v);
      }
    };
    await Promise.all([appenders, apiLoop(), apiLoop(), directLoop(), directLoop()]);

    expect(appended).toBe(600);
    expect(viaApi + direct).toBeGreaterThanOrEqual(2500);
    console.log(
      `audit concurrency: ${viaApi} verifications through the API, ${direct} direct (${whileWriting} of them while appends were committing), ${alarms.length} false alarms, ${appended} appends`,
    );
    expect(whileWriting).toBeGreaterThan(200);
    expect(alarms).toEqual([]);
    expect(await verifyAuditChain(h.db, statementId)).toMatchObject({ valid: true, problem: null });
  }, 300_000);
});
