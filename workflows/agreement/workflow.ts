import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';

import type { AgreementActivities } from '../../activities/agreement-activities.js';
import type { MailActivities } from '../../activities/mail-activities.js';
import type { AgreementEventBody } from '../../domain/agreement-events.js';
import {
  type AgreementProcessState,
  allSigned,
  awaitingSignature,
  deadlineRefusal,
  initialAgreementState,
  invitationRefusal,
  partiesOf,
  proposalRefusal,
  type Refusal,
  respondRefusal,
  signatureRefusal,
  versionIsStale,
  withdrawalRefusal,
} from '../../domain/agreement-process.js';
import type { Actor, WithTextRefs } from '../../domain/events.js';
import { nextClockStep, reminderStillDue } from '../../domain/reminder-schedule.js';
import { proxyStepActivities } from '../activity-policies.js';
import { requireBindingAuthority } from '../actor-boundary.js';
import { finalFailureOf } from '../final-failure.js';
import { ProcessUpdates } from '../kernel/process-updates.js';
import { ProcessLock } from '../lock.js';
import {
  type AgreementAck,
  type AgreementLiveState,
  agreementStateQuery,
  type AgreementWorkflowInput,
  cancelAgreementUpdate,
  extendSignatureDeadlineUpdate,
  inviteToAgreementUpdate,
  proposeAgreementVersionUpdate,
  respondToAgreementUpdate,
  signAgreementUpdate,
  startAgreementUpdate,
  withdrawFromAgreementUpdate,
} from './messages.js';

// Bounded inside an update (the party is waiting), patient for steps the workflow takes on its own.
const agreementSteps = proxyStepActivities<AgreementActivities>({ startToCloseTimeout: '1 minute' });
const { deliverStatementMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function refuse(r: Refusal | null): void {
  if (r)
    throw ApplicationFailure.create({ type: r.code, message: r.message, details: [r.problems], nonRetryable: true });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface AgreementOutcome {
  status: AgreementProcessState['status'];
  version: number;
  versionHash: string | null;
}

/**
 * The negotiation and signature of one statement's joint procurement agreement. Parties opt in,
 * the lead proposes versions (an amendment clears every signature), each party's signatory signs
 * the current version by its hash, and the agreement enters into force when all have signed.
 * Reminders go out before the signature deadline to parties that have not signed.
 */
export async function jointAgreementWorkflow(
  input: AgreementWorkflowInput,
  carried?: AgreementProcessState,
): Promise<AgreementOutcome> {
  const s: AgreementProcessState = carried ?? initialAgreementState(input.statementId, input.leadOrgId);
  const lock = new ProcessLock();
  // The kernel's update handling (as the statement's): answered once across continue-as-new,
  // refused while the run hands over. Runs before it had neither (nothing in their histories changes).
  const updates = new ProcessUpdates(s);
  let finished = false;

  const ack = (): AgreementAck => ({
    status: s.status,
    version: s.version,
    versionId: s.versionId,
    versionHash: s.versionHash,
    deadline: iso(s.deadline),
    parties: partiesOf(s).length,
    signed: Object.keys(s.signatures).length,
  });

  const record = async (actor: Actor | null, body: WithTextRefs<AgreementEventBody>): Promise<void> => {
    const updateId = currentUpdateInfo()?.id;
    const result = await agreementSteps().recordAgreementEvent({
      ...body,
      eventKey: updateId ? `update:${updateId}:${body.kind}` : `process:${uuid4()}`,
      statementId: s.statementId,
      actor,
      at: new Date().toISOString(),
    });
    if (result.mailQueued > 0) s.mailPending = true;
  };

  /**
   * Whose signatures a change of parties would clear: once the parties differ from those the
   * current version was written for, that version must be amended and no signature on it stands.
   */
  const clearedBy = (orgId: string, status: AgreementProcessState['parties'][string]): string[] =>
    versionIsStale({ ...s, parties: { ...s.parties, [orgId]: status } }) ? Object.keys(s.signatures).sort() : [];
  const applyPartyChange = (orgId: string, status: AgreementProcessState['parties'][string]) => {
    s.parties[orgId] = status;
    if (versionIsStale(s)) s.signatures = {};
  };

  setHandler(agreementStateQuery, (): AgreementLiveState => ({
    statementId: s.statementId,
    leadOrgId: s.leadOrgId,
    started: s.started,
    status: s.status,
    parties: Object.entries(s.parties).map(([orgId, status]) => ({ orgId, status })),
    version: s.version,
    versionId: s.versionId,
    versionHash: s.versionHash,
    versionStale: versionIsStale(s),
    signatures: Object.entries(s.signatures).map(([orgId, sig]) => ({ orgId, ...sig })),
    awaitingSignature: awaitingSignature(s),
    deadline: iso(s.deadline),
    inForceAt: iso(s.inForceAt),
  }));

  updates.register(
    startAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        if (s.started) refuse({ code: 'conflict', message: 'The agreement has been started already', problems: [] });
        const invited = [...new Set(r.invitedOrgIds)].filter((o) => o !== s.leadOrgId).sort();
        const deadline = Date.parse(r.deadline);
        await record(r.actor, {
          kind: 'agreement_started',
          leadOrgId: s.leadOrgId,
          invitedOrgIds: invited,
          deadline: r.deadline,
          reminderOffsets: r.reminderOffsets,
        });
        s.parties = { [s.leadOrgId]: 'party', ...Object.fromEntries(invited.map((o) => [o, 'invited' as const])) };
        s.deadline = deadline;
        s.deadlineSetAt = Date.now();
        s.reminderOffsets = r.reminderOffsets;
        s.started = true;
        return ack();
      }),
    {
      validator: (r) => {
        if (s.started) refuse({ code: 'conflict', message: 'The agreement has been started already', problems: [] });
        if (r.actor.orgId !== s.leadOrgId)
          refuse({ code: 'forbidden', message: 'Only the lead buyer starts the agreement', problems: [] });
        if (!(Date.parse(r.deadline) > Date.now())) {
          refuse({
            code: 'unprocessable',
            message: 'The signature deadline must be in the future',
            problems: [{ field: 'signatureDeadline', rule: 'must be in the future' }],
          });
        }
      },
    },
  );

  updates.register(
    inviteToAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        refuse(invitationRefusal(s, r.actor.orgId, r.orgIds));
        const invited = [...new Set(r.orgIds)].filter((o) => s.parties[o] === undefined).sort();
        await record(r.actor, { kind: 'agreement_invited', orgIds: invited });
        for (const o of invited) s.parties[o] = 'invited';
        return ack();
      }),
    { validator: (r) => refuse(invitationRefusal(s, r.actor.orgId, r.orgIds)) },
  );

  updates.register(
    respondToAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        refuse(respondRefusal(s, r.actor.orgId));
        const orgId = r.actor.orgId;
        if (r.accept) {
          await record(r.actor, { kind: 'agreement_joined', orgId, clearedSignatures: clearedBy(orgId, 'party') });
          applyPartyChange(orgId, 'party');
        } else {
          await record(r.actor, { kind: 'agreement_declined', orgId, reason: r.reason });
          applyPartyChange(orgId, 'declined');
        }
        return ack();
      }),
    {
      validator: (r) => {
        refuse(respondRefusal(s, r.actor.orgId));
        requireBindingAuthority(r.actor, r.accept ? 'joinAgreement' : 'declineAgreement');
      },
    },
  );

  updates.register(
    proposeAgreementVersionUpdate,
    (r) =>
      lock.runExclusive(async () => {
        refuse(proposalRefusal(s, r.actor.orgId, r.partyOrgIds));
        const versionId = uuid4();
        const version = s.version + 1;
        const cleared = Object.keys(s.signatures).sort();
        await record(r.actor, {
          kind: 'agreement_version_proposed',
          versionId,
          version,
          contentHash: r.contentHash,
          amendment: version > 1,
          clearedSignatures: cleared,
        });
        s.version = version;
        s.versionId = versionId;
        s.versionHash = r.contentHash;
        s.versionParties = partiesOf(s);
        s.signatures = {};
        return ack();
      }),
    { validator: (r) => refuse(proposalRefusal(s, r.actor.orgId, r.partyOrgIds)) },
  );

  updates.register(
    signAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        const request = { orgId: r.actor.orgId, versionId: r.versionId, versionHash: r.versionHash };
        refuse(signatureRefusal(s, request, Date.now()));
        await record(r.actor, { kind: 'agreement_signed', ...request });
        s.signatures[r.actor.orgId] = {
          userId: r.actor.userId,
          at: new Date().toISOString(),
          versionId: r.versionId,
          versionHash: r.versionHash,
        };
        if (allSigned(s)) {
          await record(null, {
            kind: 'agreement_in_force',
            versionId: s.versionId!,
            version: s.version,
            versionHash: s.versionHash!,
          });
          s.status = 'in_force';
          s.inForceAt = Date.now();
        }
        return ack();
      }),
    {
      validator: (r) => {
        refuse(
          signatureRefusal(s, { orgId: r.actor.orgId, versionId: r.versionId, versionHash: r.versionHash }, Date.now()),
        );
        requireBindingAuthority(r.actor, 'signAgreement');
      },
    },
  );

  updates.register(
    withdrawFromAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        refuse(withdrawalRefusal(s, r.actor.orgId));
        const cleared = clearedBy(r.actor.orgId, 'withdrawn');
        await record(r.actor, {
          kind: 'agreement_withdrawn',
          orgId: r.actor.orgId,
          reason: r.reason,
          clearedSignatures: cleared,
        });
        applyPartyChange(r.actor.orgId, 'withdrawn');
        return ack();
      }),
    {
      validator: (r) => {
        refuse(withdrawalRefusal(s, r.actor.orgId));
        requireBindingAuthority(r.actor, 'withdrawFromAgreement');
      },
    },
  );

  updates.register(
    extendSignatureDeadlineUpdate,
    (r) =>
      lock.runExclusive(async () => {
        const deadline = Date.parse(r.deadline);
        refuse(deadlineRefusal(s, r.actor.orgId, deadline, Date.now()));
        await record(r.actor, {
          kind: 'agreement_deadline_extended',
          deadline: new Date(deadline).toISOString(),
          previous: iso(s.deadline),
        });
        s.deadline = deadline;
        s.deadlineSetAt = Date.now();
        return ack();
      }),
    { validator: (r) => refuse(deadlineRefusal(s, r.actor.orgId, Date.parse(r.deadline), Date.now())) },
  );

  const cancelRefusal = (orgId: string): Refusal | null => {
    if (!s.started) return { code: 'not_found', message: 'There is no agreement for this statement', problems: [] };
    if (orgId !== s.leadOrgId)
      return { code: 'forbidden', message: 'Only the lead buyer cancels the agreement', problems: [] };
    if (s.status !== 'negotiation')
      return {
        code: 'wrong_stage',
        message: `The agreement is ${s.status.replace('_', ' ')}; it can no longer be cancelled`,
        problems: [],
      };
    return null;
  };
  updates.register(
    cancelAgreementUpdate,
    (r) =>
      lock.runExclusive(async () => {
        refuse(cancelRefusal(r.actor.orgId));
        await record(r.actor, { kind: 'agreement_cancelled', reason: r.reason });
        s.status = 'cancelled';
        return ack();
      }),
    { validator: (r) => refuse(cancelRefusal(r.actor.orgId)) },
  );

  const mailPump = (async () => {
    for (;;) {
      await condition(() => s.mailPending || finished);
      if (!s.mailPending) return;
      s.mailPending = false;
      await deliverStatementMail({ statementId: s.statementId });
    }
  })();
  const finish = async () => {
    await condition(allHandlersFinished);
    finished = true;
    await mailPump;
  };

  if (!s.started && !(await condition(() => s.started, '1 hour'))) {
    await finish();
    return { status: s.status, version: 0, versionHash: null };
  }

  while (s.status === 'negotiation') {
    await waitForSignatureDeadline();
    if (workflowInfo().continueAsNewSuggested && s.status === 'negotiation') {
      updates.handingOver = true;
      finished = true;
      await mailPump;
      await condition(allHandlersFinished);
      await continueAsNew<typeof jointAgreementWorkflow>(input, { ...s, mailPending: true });
    }
  }
  await finish();
  return { status: s.status, version: s.version, versionHash: s.versionHash };

  /**
   * Durable timers: each reminder once at its offset before the deadline, to the parties that
   * have not signed; when the deadline passes, it is recorded once and signing waits for the
   * lead to set a later deadline. Returns when the negotiation ends or history wants a new run.
   */
  /**
   * A notice the workflow records on its own (a reminder, the deadline passing) that fails for
   * good is logged and skipped: the negotiation goes on and the parties' own acts still work.
   * Runs recorded before this ended (failed) there instead.
   */
  async function onItsOwn(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const failure = finalFailureOf(error);
      if (!failure || !patched('agreement-process-failures-skipped')) throw error;
      log.warn('an agreement notice failed for good and was skipped', {
        statementId: input.statementId,
        type: failure.type,
        message: failure.message,
      });
    }
  }

  async function waitForSignatureDeadline(): Promise<void> {
    for (;;) {
      if (s.status !== 'negotiation' || workflowInfo().continueAsNewSuggested) return;
      const deadline = s.deadline!;
      const now = Date.now();
      if (now >= deadline) {
        if (s.deadlinePassedFor !== deadline) {
          s.deadlinePassedFor = deadline;
          await onItsOwn(() =>
            lock.runExclusive(() =>
              record(null, {
                kind: 'agreement_deadline_passed',
                deadline: iso(deadline)!,
                unsignedOrgIds: awaitingSignature(s),
              }),
            ),
          );
        }
        await condition(
          () => s.status !== 'negotiation' || s.deadline !== deadline || workflowInfo().continueAsNewSuggested,
        );
        continue;
      }
      const step = nextClockStep(deadline, now, s.reminderOffsets, s.remindersSent, (d, offset) => `${d}|${offset}`);
      if (step.kind === 'remind') {
        s.remindersSent.push(step.key);
        // Skipped too when nobody is left to sign.
        if (reminderStillDue(step.at, s.deadlineSetAt) && awaitingSignature(s).length > 0) {
          await onItsOwn(() =>
            lock.runExclusive(() =>
              record(null, {
                kind: 'agreement_reminder_sent',
                deadline: iso(deadline)!,
                offset: step.offset,
                orgIds: awaitingSignature(s),
              }),
            ),
          );
        }
        continue;
      }
      await condition(
        () => s.status !== 'negotiation' || s.deadline !== deadline || workflowInfo().continueAsNewSuggested,
        Math.max(1, step.until - now),
      );
    }
  }
}
