import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyAuditChain } from '../db/audit.js';
import { type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementWithSurveyOpen, submitNeeds } from './support/needs-survey.js';

/**
 * A buyer's action appends its audit row and commits in one round trip (`appendAuditAndCommit`),
 * its values written into the statement as literals. What the buyer typed must come back exactly,
 * and the chain must verify.
 */
describe('a buyer action’s audit row, appended and committed in one round trip', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('keeps a reason full of quotes, backslashes and placeholders exactly, in a chain that verifies', async () => {
    const lead = await makeActor(h, { kind: 'buyer', name: 'Literal lead', country: 'FI' });
    const leaving = await makeActor(h, { kind: 'buyer', name: 'Literal leaving', country: 'EE' });
    const staying = await makeActor(h, { kind: 'buyer', name: 'Literal staying', country: 'LV' });
    const id = await statementWithSurveyOpen(lead, [leaving, staying], []);
    const reason = `It's \\ a $1 reason'); commit; delete from audit_events; -- “quoted” ✓ \\n E'x' $$ $2`;
    await submitNeeds(staying, id, [needLine({ quantity: '4' })], {});
    expect((await leaving.api.post(`/api/statements/${id}/needs/withdraw`, { reason })).status).toBe(200);

    const events = (await lead.api.get(`/api/statements/${id}/audit?order=asc&limit=100`)).body.events as {
      action: string;
      data: Record<string, unknown>;
    }[];
    const withdrawn = events.find((e) => e.action === 'needs_withdrawn');
    expect(withdrawn?.data.reason).toBe(reason);
    expect(events.some((e) => e.action === 'needs_submitted')).toBe(true);
    const verified = await verifyAuditChain(h.db, id, { expectEvents: true });
    expect(verified.valid).toBe(true);
    expect(verified.events).toBe(events.length);
  });
});
