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

  it('signals no confirmation that leaves others to confirm, and the last one, which ends the stage, once', async () => {
    await submitNeeds(second, id, [needLine({ quantity: '3' })], {});
    expect((await lead.api.post(`/api/statements/${id}/close-stage`)).body.stage).toBe('confirmation');
    const versionOf = async (buyer: Actor) =>
      (await buyer.api.get(`/api/statements/${id}/needs/${buyer.org.id}`)).body.versions[0].id as string;
    const confirm = async (buyer: Actor) => {
      const response = await buyer.api.post(`/api/statements/${id}/needs/confirm`, {
        versionId: await versionOf(buyer),
      });
      expect(response.status).toBe(200);
    };

    // A confirmation queues no mail and cannot end the stage while another buyer has yet to
    // confirm: the workflow has nothing to learn from it (a crowd of them was a signal, a workflow
    // task and a read of the counts every quarter second).
    const before = (await quietHistory()).length;
    await confirm(first);
    const quiet = (await quietHistory()).slice(before);
    expect(quiet.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);
    expect(quiet).toHaveLength(0);

    const events = await eventsOf(() => confirm(second));
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(1);
    expect(scheduled(events, 'readParticipation')).toBeGreaterThanOrEqual(1);
    await until(
      async () => (await lead.api.get(`/api/statements/${id}`)).body.stage,
      (stage) => stage !== 'confirmation',
      30_000,
      'the confirmation to end on its own',
    );
  });
});
