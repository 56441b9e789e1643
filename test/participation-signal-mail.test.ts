import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, until } from './support/harness.js';
import { statementWithSurveyOpen, submitNeeds } from './support/needs-survey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Issue 23, the deadline rush: the signal that tells a statement's workflow of buyers' actions says
 * whether they queued mail. A round of mail delivery (an activity, its claims of the outbox) follows
 * only the actions that queued some: a crowd of confirmations, which send none, ran one per signal.
 */
describe('the participation signal and the mail it wakes', () => {
  let h: Harness;
  let lead: Actor;
  let first: Actor;
  let second: Actor;
  let id: string;

  const history = async () => (await h.temporal.workflow.getHandle(`statement-${id}`).fetchHistory()).events ?? [];
  const scheduled = (events: HistoryEvent[], name: string) =>
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name).length;

  /**
   * The history once the workflow is quiet: its last workflow task completed, every activity it
   * scheduled done, and nothing new for longer than the API's least time between two
   * signals (a coalesced signal may still be on its way until then).
   */
  async function quietHistory(): Promise<HistoryEvent[]> {
    let last: HistoryEvent[] = [];
    await until(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        const events = await history();
        const started = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
        const ended = events.filter(
          (e) => e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes,
        );
        const taskScheduled = events.findLastIndex((e) => e.workflowTaskScheduledEventAttributes);
        const taskCompleted = events.findLastIndex((e) => e.workflowTaskCompletedEventAttributes);
        const quiet = events.length === last.length && started === ended.length && taskCompleted > taskScheduled;
        last = events;
        return quiet;
      },
      (quiet) => quiet,
      30_000,
      'the workflow to be quiet',
    );
    return last;
  }

  /** Runs `act` on a quiet workflow and returns the events it led to, once the workflow is quiet again. */
  async function eventsOf(act: () => Promise<void>): Promise<HistoryEvent[]> {
    const before = (await quietHistory()).length;
    await act();
    const events = (await quietHistory()).slice(before);
    // The action was told by a signal: without one, nothing here would say anything.
    expect(events.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(true);
    return events;
  }

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Signal lead', country: 'FI' });
    first = await makeActor(h, { kind: 'buyer', name: 'Signal buyer one', country: 'SE' });
    second = await makeActor(h, { kind: 'buyer', name: 'Signal buyer two', country: 'DK' });
    id = await statementWithSurveyOpen(lead, [first, second], []);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('delivers mail after a submission, which queues its receipt', async () => {
    const events = await eventsOf(() => submitNeeds(first, id, [needLine({ quantity: '2' })], {}));
    expect(scheduled(events, 'deliverStatementMail')).toBeGreaterThanOrEqual(1);
    await h.mail.waitFor((m) => m.some((x) => x.to.includes(first.user.email.toLowerCase())));
  });

  it('reads the counts but delivers no mail after a confirmation, which queues none', async () => {
    await submitNeeds(second, id, [needLine({ quantity: '3' })], {});
    expect((await lead.api.post(`/api/statements/${id}/close-stage`)).body.stage).toBe('confirmation');
    const versionId = (await first.api.get(`/api/statements/${id}/needs/${first.org.id}`)).body.versions[0].id;
    const events = await eventsOf(async () => {
      expect((await first.api.post(`/api/statements/${id}/needs/confirm`, { versionId })).status).toBe(200);
    });
    expect(scheduled(events, 'readParticipation')).toBeGreaterThanOrEqual(1);
    expect(scheduled(events, 'deliverStatementMail')).toBe(0);
  });
});
