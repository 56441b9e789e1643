import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, startHarness, statementDetails, until } from './support/harness.js';
import { killWorkerProcess, startWorkerProcess } from './support/worker-process.js';

describe("one request's trace id, from the API through the workflow to the activity's log and the e-mail", () => {
  let h: Harness;
  let worker: ChildProcess | undefined;
  const logLines: Record<string, any>[] = [];

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    let partial = '';
    worker = await startWorkerProcess(h, {
      onOutput: (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, any>);
      },
    });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    await h?.close();
  });

  it("carries a lead's X-Request-Id through the update to the activity's log line and the invitation's X-Trace-Id", async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'SE' });
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;

    const traceId = `test-${randomUUID()}`;
    const invited = await lead.api.post(
      `/api/statements/${id}/invitations`,
      { organisationIds: [buyer.org.id] },
      { 'X-Request-Id': traceId },
    );
    expect(invited.status).toBe(200);
    expect(invited.headers.get('x-request-id')).toBe(traceId);

    // The invitation is enqueued by the workflow's activity (the update's handler) and sent by the mail pump.
    const mail = (await h.mail.waitFor((m) => m.some((x) => x.to.includes(buyer.user.email.toLowerCase())))).find((x) =>
      x.to.includes(buyer.user.email.toLowerCase()),
    )!;
    expect(mail.headers['x-trace-id']).toBe(traceId);
    expect(mail.text).not.toContain(traceId);

    // The activity that ran for the update logged its end under the request's trace id.
    const lines = await until(
      async () => logLines.filter((l) => l.traceId === traceId),
      (found) => found.some((l) => l.msg === 'activity completed'),
      30_000,
      "the activity's log line",
    );
    const done = lines.find((l) => l.msg === 'activity completed')!;
    expect(done).toMatchObject({ traceId, workflowId: `statement-${id}`, name: 'worker' });
    // Among them the activity that recorded the invitation and enqueued its e-mail.
    expect(lines.map((l) => l.activity)).toContain('recordStatementEvent');
    // No other request's activities were logged under this id.
    expect(lines.every((l) => l.workflowId === undefined || l.workflowId === `statement-${id}`)).toBe(true);
  });

  it("carries a buyer's X-Request-Id to the notice its action enqueued, and names a request without a usable id", async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'DK' });
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] });
    await h.mail.waitFor((m) => m.some((x) => x.to.includes(buyer.user.email.toLowerCase())));

    const traceId = `buyer-${randomUUID()}`;
    const accepted = await buyer.api.post(`/api/statements/${id}/invitation/accept`, undefined, {
      'X-Request-Id': traceId,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('x-request-id')).toBe(traceId);
    const notice = (
      await h.mail.waitFor((m) =>
        m.some((x) => x.to.includes(lead.user.email.toLowerCase()) && x.headers['x-trace-id'] === traceId),
      )
    ).filter((x) => x.headers['x-trace-id'] === traceId);
    expect(notice).toHaveLength(1);

    // An id with characters a header or a log line should not carry is replaced by a fresh one.
    const replaced = await lead.api.get(`/api/statements/${id}`, { 'X-Request-Id': 'two words' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const fresh = await lead.api.get(`/api/statements/${id}`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.headers.get('x-request-id')).not.toBe(replaced.headers.get('x-request-id'));
  });
});
