import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAudit } from '../db/audit.js';
import { ensureAuditSchedule } from '../services/audit/audit-schedule.js';
import { type NightlyAuditResult, nightlyAuditWorkflowType } from '../workflows/audit/messages.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

/**
 * The nightly verification (issue 22): quiet on a normal night, and on a real break an alert on
 * the administrators' page and an e-mail to each operator, once. A database of its own, so other
 * files' deliberate tampering is not what it finds.
 */
describe('nightly audit verification', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  let admin: Awaited<ReturnType<typeof makeActor>>;
  let statementId: string;

  const runNightly = (id: string) =>
    h.temporal.workflow.execute(nightlyAuditWorkflowType, {
      taskQueue: h.taskQueue,
      workflowId: id,
      args: [],
    }) as Promise<NightlyAuditResult>;

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true, label: 'ops' });
    statementId = (await lead.api.post('/api/statements', statementDetails())).body.id;
    await h.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++) {
        await appendAudit(trx, {
          chain: statementId,
          eventKey: null,
          statementId,
          actorUserId: lead.user.id,
          actorOrgId: lead.org.id,
          action: 'needs_draft_saved',
          data: { lines: i },
          at: new Date(),
        });
      }
    });
  });
  afterAll(async () => h?.close());

  it('is scheduled nightly', async () => {
    const id = await ensureAuditSchedule(h.temporal, {
      taskQueue: h.taskQueue,
      scheduleId: `audit-schedule-${Date.now()}`,
    });
    const handle = h.temporal.schedule.getHandle(id);
    try {
      const described = await handle.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: nightlyAuditWorkflowType });
      // Again at the next start: updated, not duplicated.
      expect(await ensureAuditSchedule(h.temporal, { taskQueue: h.taskQueue, scheduleId: id })).toBe(id);
    } finally {
      await handle.delete();
    }
  });

  it('raises nothing on a normal night', async () => {
    const result = await runNightly(`nightly-ok-${Date.now()}`);
    expect(result).toMatchObject({ broken: 0, alertsQueued: 0, sent: 0 });
    expect(result.chains).toBeGreaterThanOrEqual(1);
    expect((await admin.api.get('/api/audit/alerts')).body).toEqual([]);
  });

  it('on a real break, shows an alert to administrators and e-mails the operators once', async () => {
    await sql`alter table audit_events disable trigger user`.execute(h.db);
    try {
      await sql`update audit_events set data = '{"lines": 99}' where chain = ${statementId} and seq = 3`.execute(h.db);
    } finally {
      await sql`alter table audit_events enable trigger user`.execute(h.db);
    }
    const result = await runNightly(`nightly-broken-${Date.now()}`);
    expect(result).toMatchObject({ broken: 1, alertsQueued: 1, sent: 1 });
    const alerts = await admin.api.get('/api/audit/alerts');
    expect(alerts.status).toBe(200);
    expect(alerts.body).toEqual([
      expect.objectContaining({ chain: statementId, seq: 3, issue: 'the event was altered after it was written' }),
    ]);
    const mail = await h.mail.waitFor((m) =>
      m.some((x) => x.to.includes(admin.user.email.toLowerCase()) && x.subject.includes('broken chain')),
    );
    expect(mail.filter((x) => x.to.includes(admin.user.email.toLowerCase()))).toHaveLength(1);
    expect(mail.find((x) => x.subject.includes('broken chain'))!.text).toContain(`chain ${statementId}, event 3`);
    // Not for anyone else.
    expect((await lead.api.get('/api/audit/alerts')).status).toBe(403);
  });

  it('lets administrators page through the platform chain', async () => {
    const res = await admin.api.get('/api/audit/platform?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.verification.valid).toBe(true);
    expect((await lead.api.get('/api/audit/platform')).status).toBe(403);
  });
});
