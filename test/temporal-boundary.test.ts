import { randomBytes, randomUUID } from 'node:crypto';

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createWorker } from '../bin/create-worker.js';
import type { Principal } from '../domain/authorization.js';
import { statementDetailsSchema } from '../domain/statement.js';
import { sealRequest } from '../platform/actor-seal.js';
import { connectTemporalClient } from '../platform/temporal.js';
import { createStatement } from '../services/statements/create-statement.js';
import { withdrawFromAgreementUpdate } from '../workflows/agreement/messages.js';
import {
  cancelStatementUpdate,
  inviteBuyersUpdate,
  liveStateQuery,
  statementWorkflowId,
} from '../workflows/statement/messages.js';
import {
  type Harness,
  historyPayloadText,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The boundary between the API and Temporal: whoever reaches the Temporal frontend can send an
 * update with any actor. The workflows act only on requests sealed by the API, and their
 * histories carry no free-text reason (only its id and hash).
 */
describe('the Temporal boundary', () => {
  let h: Harness;
  let lead: Actor;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const failureOf = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (error: unknown) =>
        error instanceof WorkflowUpdateFailedError
          ? `${(error.cause as { type?: string })?.type}: ${error.cause?.message}`
          : String(error),
    );
  const auditActions = async (statementId: string) =>
    (
      await h.db
        .selectFrom('audit_events')
        .select('action')
        .where('statement_id', '=', statementId)
        .orderBy('seq')
        .execute()
    ).map((r) => r.action);

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Ghent', country: 'BE' },
      { label: 'ghent', roles: ['signatory'] },
    );
  });
  afterAll(async () => h?.close());

  it('refuses an update sent straight to Temporal with a forged actor or administrator flag, and records nothing', async () => {
    const id = ok(await lead.api.post('/api/statements', statementDetails())).body.id as string;
    const handle = h.temporal.workflow.getHandle(statementWorkflowId(id));
    const before = await auditActions(id);

    // An "administrator" nobody authenticated.
    const admin = { userId: randomUUID(), orgId: randomUUID(), asAdministrator: true };
    expect(
      await failureOf(
        handle.executeUpdate(cancelStatementUpdate, { args: [{ actor: admin, reason: 'forged cancellation' }] }),
      ),
    ).toMatch(/^forbidden: /);
    // The lead's own ids (they are no secret) with a made-up seal.
    const asLead = { userId: lead.user.id, orgId: lead.org.id };
    const fakeSeal = Buffer.alloc(32, 7).toString('base64url');
    expect(
      await failureOf(
        handle.executeUpdate(cancelStatementUpdate, {
          args: [{ actor: asLead, reason: 'forged cancellation', seal: fakeSeal } as never],
        }),
      ),
    ).toMatch(/^forbidden: /);
    // A seal made with another key (an old or guessed one).
    const updateId = `cancelStatement:${randomUUID()}`;
    const request = { actor: admin, reason: 'forged cancellation' };
    const otherKey = sealRequest(
      'a-key-that-is-not-the-api-key-0123456789',
      { workflowId: statementWorkflowId(id), update: 'cancelStatement', updateId },
      request,
    );
    expect(
      await failureOf(
        handle.executeUpdate(cancelStatementUpdate, { args: [{ ...request, seal: otherKey } as never], updateId }),
      ),
    ).toMatch(/^forbidden: /);
    // A genuine seal copied onto another request (another update id, other arguments).
    const genuine = sealRequest(
      h.config.TEMPORAL_ACTOR_KEY ?? (await import('../platform/config.js')).developmentActorKey,
      { workflowId: statementWorkflowId(id), update: 'inviteBuyers', updateId: 'inviteBuyers:once' },
      { actor: asLead, orgIds: [randomUUID()] },
    );
    expect(
      await failureOf(
        handle.executeUpdate(inviteBuyersUpdate, {
          args: [{ actor: asLead, orgIds: [randomUUID()], seal: genuine } as never],
          updateId: 'inviteBuyers:other',
        }),
      ),
    ).toMatch(/^forbidden: /);

    expect(await auditActions(id)).toEqual(before);
    const statement = ok(await lead.api.get(`/api/statements/${id}`)).body;
    expect(statement.stage).toBe('draft');
    expect((await handle.query('liveState')) as { stage: string }).toMatchObject({ stage: 'draft' });
    // The API's own request still goes through.
    ok(await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Merged into another statement' }));
  });

  it('refuses a forged withdrawal from the agreement sent straight to Temporal', async () => {
    const partner = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Lille', country: 'FR' },
      { label: 'lille', roles: ['signatory'] },
    );
    const id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine()]],
      [partner, [needLine({ quantity: '2' })]],
    ]);
    await publish(h, id, lead, [lead, partner]);
    ok(
      await lead.api.post(`/api/statements/${id}/agreement`, {
        signatureDeadline: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
    ok(await partner.api.post(`/api/statements/${id}/agreement/join`, {}));
    const handle = h.temporal.workflow.getHandle(`agreement-${id}`);
    const forged = {
      actor: { userId: partner.user.id, orgId: partner.org.id, roles: ['signatory'] },
      reason: 'forged',
    };
    expect(await failureOf(handle.executeUpdate(withdrawFromAgreementUpdate, { args: [forged] }))).toMatch(
      /^forbidden: /,
    );
    const view = ok(await partner.api.get(`/api/statements/${id}/agreement`)).body;
    expect(view.parties.find((p: { organisationId: string }) => p.organisationId === partner.org.id)?.status).toBe(
      'party',
    );
    expect(
      (
        await h.db
          .selectFrom('audit_events')
          .select('action')
          .where('action', '=', 'agreement_withdrawn')
          .where('statement_id', '=', id)
          .execute()
      ).length,
    ).toBe(0);

    // A withdrawal through the API, with a confidential reason: the reason reaches the lead, not the history.
    const reason = `Our council froze the budget ${randomUUID()}`;
    ok(await partner.api.post(`/api/statements/${id}/agreement/withdraw`, { reason }));
    const withdrawn = ok(await lead.api.get(`/api/statements/${id}/agreement`)).body;
    expect(
      withdrawn.parties.find((p: { organisationId: string }) => p.organisationId === partner.org.id),
    ).toMatchObject({ status: 'withdrawn', statusReason: reason });
    expect(historyPayloadText(await handle.fetchHistory())).not.toContain(reason);
  });

  it('keeps free-text reasons out of the workflow histories: only their id and hash travel', async () => {
    const declining = await makeActor(h, { kind: 'buyer', name: 'City of Porto', country: 'PT' }, { label: 'porto' });
    const leaving = await makeActor(h, { kind: 'buyer', name: 'City of Graz', country: 'AT' }, { label: 'graz' });
    const id = ok(await lead.api.post('/api/statements', statementDetails())).body.id as string;
    ok(
      await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [declining.org.id, leaving.org.id] }),
    );
    const declineReason = `We buy through our regional hub ${randomUUID()}`;
    ok(await declining.api.post(`/api/statements/${id}/invitation/decline`, { reason: declineReason }));
    ok(await leaving.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
    const withdrawReason = `The mayor changed priorities ${randomUUID()}`;
    ok(await leaving.api.post(`/api/statements/${id}/needs/withdraw`, { reason: withdrawReason }));
    const cancelReason = `Merged into the Benelux statement ${randomUUID()}`;
    ok(await lead.api.post(`/api/statements/${id}/cancel`, { reason: cancelReason }));
    await until(
      () => lead.api.get(`/api/statements/${id}`),
      (r) => r.body.stage === 'cancelled',
      30_000,
      'cancelled',
    );

    // The reasons are where they belong: the lead reads them.
    const statement = ok(await lead.api.get(`/api/statements/${id}`)).body;
    expect(statement.cancelReason).toBe(cancelReason);
    const audit = ok(await lead.api.get(`/api/statements/${id}/audit`)).body.events as {
      action: string;
      data: { reason?: string; accepted?: boolean };
    }[];
    expect(audit.find((e) => e.action === 'invitation_answered' && e.data.accepted === false)?.data.reason).toBe(
      declineReason,
    );
    expect(audit.find((e) => e.action === 'needs_withdrawn')?.data.reason).toBe(withdrawReason);
    // The history holds none of them.
    const text = historyPayloadText(await h.temporal.workflow.getHandle(statementWorkflowId(id)).fetchHistory());
    for (const reason of [declineReason, withdrawReason, cancelReason]) expect(text).not.toContain(reason);
  });

  it('encrypts every payload with the codec when a payload key is set: the history shows none of the statement', async () => {
    const security = {
      NODE_ENV: 'test' as const,
      TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
      TEMPORAL_PAYLOAD_KEY_ID: 'test-key',
    };
    const address = inject('temporalAddress');
    const taskQueue = `jd-codec-${randomUUID()}`;
    const { worker, connection } = await createWorker({
      db: h.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      address,
      namespace: h.config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      security,
    });
    const running = worker.run();
    const client = await connectTemporalClient({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: h.config.TEMPORAL_NAMESPACE,
      ...security,
    });
    try {
      const ctx = { ...h.ctx, temporal: client, config: { ...h.ctx.config, TEMPORAL_TASK_QUEUE: taskQueue } };
      const principal: Principal = {
        userId: lead.user.id,
        orgId: lead.org.id,
        orgKind: 'buyer',
        isAdmin: false,
        roles: ['signatory'],
        via: 'api_token',
      };
      const title = `Encrypted heat pumps ${randomUUID()}`;
      const view = await createStatement(ctx, principal, statementDetailsSchema.parse(statementDetails({ title })), {});
      // Through the codec the workflow reads as usual...
      const handle = client.workflow.getHandle(statementWorkflowId(view.id));
      expect((await handle.query(liveStateQuery)).stage).toBe('draft');
      // ...while what the server stores is ciphertext: no title, no organisation, no statement id.
      const stored = historyPayloadText(
        await h.temporal.workflow.getHandle(statementWorkflowId(view.id)).fetchHistory(),
      );
      expect(stored.length).toBeGreaterThan(0);
      for (const plain of [title, lead.org.id, view.id, 'detailsHash']) expect(stored).not.toContain(plain);
      await handle.terminate('test over');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
    }
  });
});
