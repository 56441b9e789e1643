import { durationMs } from '../../domain/duration.js';
import type { Actor } from '../../domain/events.js';
import { closedEarlyReason } from '../../domain/leaving.js';
import { everyoneHasConfirmed } from '../../domain/participation.js';
import type { ParticipantStatus } from '../../rules/stages.js';
import { type DeadlineOutcome, waitForDeadline } from './deadlines.js';
import type { StatementProcess } from './process.js';

export const closedEarly = closedEarlyReason;

/** Runs that carried the participants: marks who did not act in time as dropped out, remembering their status for a reopening. */
async function dropOut(
  p: StatementProcess,
  stage: 'needs_assessment' | 'confirmation',
  statuses: ParticipantStatus[],
  reason: string,
) {
  const dropped = Object.entries(p.state.participants)
    .filter(([, e]) => statuses.includes(e.status))
    .map(([orgId, e]) => ({ orgId, from: e.status }));
  if (dropped.length === 0) return;
  await p.record(null, {
    kind: 'participants_dropped',
    stage,
    dropped,
    ...(reason === closedEarlyReason ? { closedEarly: true } : {}),
  });
  for (const d of dropped) Object.assign(p.state.participants[d.orgId]!, { status: 'dropped', droppedFrom: d.from });
}

/**
 * Ends the needs assessment (deadline, or the lead closing it early): whoever never submitted
 * drops out and each submitter is asked to confirm its latest version. Caller holds the lock.
 */
export async function closeNeedsAssessment(p: StatementProcess, actor: Actor | null, reason: string): Promise<void> {
  if (p.state.stage !== 'needs_assessment') return;
  const deadline = Date.now() + durationMs(p.state.schedule!.confirmation);
  if (p.participantsInDatabase()) return p.closeStage(actor, 'confirmation', deadline, reason);
  await dropOut(p, 'needs_assessment', ['invited', 'joined'], reason);
  await p.enterStage(actor, 'confirmation', deadline, reason);
}

/** Ends the confirmation: who did not confirm drops out; the confirmed versions go to aggregation. */
export async function closeConfirmation(p: StatementProcess, actor: Actor | null, reason: string): Promise<void> {
  if (p.state.stage !== 'confirmation') return;
  if (p.participantsInDatabase()) return p.closeStage(actor, 'aggregation', null, reason);
  await dropOut(p, 'confirmation', ['submitted'], reason);
  await p.enterStage(actor, 'aggregation', null, reason);
}

export async function runNeedsAssessment(p: StatementProcess): Promise<DeadlineOutcome> {
  const outcome = await waitForDeadline(p, 'needs_assessment');
  if (outcome === 'deadline') await p.lock.runExclusive(() => closeNeedsAssessment(p, null, 'deadline passed'));
  return outcome;
}

/** Confirmation ends at its deadline, or as soon as nobody is left to confirm. */
export async function runConfirmation(p: StatementProcess): Promise<DeadlineOutcome> {
  const inDatabase = p.participantsInDatabase();
  const outcome = inDatabase
    ? await waitForDeadline(
        p,
        'confirmation',
        () => everyoneHasConfirmed(p.state.participation ?? {}),
        () => p.refreshParticipation(),
      )
    : await waitForDeadline(p, 'confirmation', () => p.orgsWithStatus('submitted').length === 0);
  if (outcome === 'deadline' || outcome === 'done') {
    await p.lock.runExclusive(() =>
      closeConfirmation(p, null, outcome === 'done' ? 'every participant has acted' : 'deadline passed'),
    );
  }
  return outcome;
}
