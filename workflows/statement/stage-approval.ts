import { condition, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';

import type { Actor } from '../../domain/events.js';
import { operationOpen } from '../../rules/stages.js';
import { requireBindingAuthority } from '../actor-boundary.js';
import { waitForDeadline } from './deadlines.js';
import {
  type DecideApprovalRequest,
  decideApprovalUpdate,
  type DecideSignatoryRequest,
  decideSignatoryUpdate,
  marketStateQuery,
  proceedWithoutMissingUpdate,
  requestToSignUpdate,
  type ReviseStatementTextRequest,
  reviseStatementTextUpdate,
} from './market-messages.js';
import { reject, type StatementProcess } from './process.js';
import { marketOf, recordMarket, startSupplierFanout } from './stage-market-engagement.js';

const approvedBy = (p: StatementProcess) => {
  const m = marketOf(p);
  return m.approvers.filter((o) => m.decisions[o] === 'approved');
};
const missing = (p: StatementProcess) => {
  const m = marketOf(p);
  return m.approvers.filter((o) => m.decisions[o] !== 'approved');
};
const allApproved = (p: StatementProcess) => marketOf(p).approvers.length > 0 && missing(p).length === 0;
const readyToPublish = (p: StatementProcess) => allApproved(p) || marketOf(p).proceedRequested;

/** Publishes the approved text as version 1: those who approved it are its signatories. Caller holds the lock. */
async function publishFirstVersion(p: StatementProcess, actor: Actor | null): Promise<void> {
  const s = p.state;
  const m = marketOf(p);
  if (s.stage !== 'approval' || !readyToPublish(p)) return;
  const signatories = approvedBy(p);
  const publicationId = uuid4();
  await recordMarket(p, actor, {
    kind: 'statement_published',
    publicationId,
    version: 1,
    textVersion: m.text!.version,
    signatoryOrgIds: signatories,
    newOrgIds: signatories,
    late: false,
  });
  m.publication = { publicationId, version: 1 };
  m.signatories = signatories;
  await p.enterStage(
    actor,
    'published',
    null,
    allApproved(p)
      ? 'every participant approved the statement'
      : 'published without those who did not approve by the deadline',
  );
  await startSupplierFanout(p, `publication-${publicationId}`, 'publication', publicationId);
}

/**
 * Approval: every confirmed participant approves the current text or asks for changes; the
 * lead's revision is a new version that needs every approval again. When all have approved it
 * is published. At the deadline the lead is told who is missing and may publish without them.
 */
export async function runApproval(p: StatementProcess): Promise<void> {
  const s = p.state;
  const m = marketOf(p);
  while (s.stage === 'approval') {
    if (readyToPublish(p)) {
      await p.lock.runExclusive(() => publishFirstVersion(p, null));
      continue;
    }
    const outcome = await waitForDeadline(p, 'approval', () => readyToPublish(p));
    if (outcome === 'left' || outcome === 'continue_as_new') return;
    if (outcome === 'done') continue;
    const deadline = s.deadline;
    if (m.deadlineNoticeFor !== deadline) {
      await p.lock.runExclusive(async () => {
        if (s.stage !== 'approval' || readyToPublish(p) || s.deadline !== deadline) return;
        m.deadlineNoticeFor = deadline;
        await recordMarket(p, null, {
          kind: 'approval_deadline_passed',
          version: m.text!.version,
          missingOrgIds: missing(p),
        });
      });
    }
    await condition(
      () =>
        readyToPublish(p) || s.stage !== 'approval' || s.deadline !== deadline || workflowInfo().continueAsNewSuggested,
    );
    if (workflowInfo().continueAsNewSuggested && !readyToPublish(p)) return;
  }
}

export function registerMarketHandlers(p: StatementProcess): void {
  const s = p.state;

  setHandler(marketStateQuery, () => {
    const m = marketOf(p);
    return {
      summary: m.summary,
      text: m.text,
      approvers: m.approvers,
      decisions: m.decisions,
      publication: m.publication,
      signatories: m.signatories,
      signatoryRequests: m.signatoryRequests,
    };
  });

  const validateRevise = (request: ReviseStatementTextRequest) => {
    p.requireCreated();
    p.requireLead(request.actor);
    if (!operationOpen('reviseStatementText', s.stage))
      reject('wrong_stage', `The statement text can be revised in approval, not in ${s.stage}`);
    const current = marketOf(p).text!.version;
    if (request.expectedVersion !== current) {
      reject('conflict', `The text is at version ${current}`, [
        { field: 'expectedVersion', rule: `must be the current version (${current})` },
      ]);
    }
  };
  p.onUpdate(
    reviseStatementTextUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        validateRevise(request);
        const m = marketOf(p);
        const version = m.text!.version + 1;
        await recordMarket(p, request.actor, {
          kind: 'statement_text_revised',
          version,
          textHash: request.textHash,
          approverOrgIds: m.approvers,
          deadline: s.deadline === null ? null : new Date(s.deadline).toISOString(),
        });
        m.text = { version, textHash: request.textHash };
        m.decisions = {};
        return { ...p.ack(), textVersion: version };
      }),
    { validator: validateRevise },
  );

  const validateDecision = (request: DecideApprovalRequest) => {
    p.requireCreated();
    if (!operationOpen('approveStatement', s.stage))
      reject('wrong_stage', `Approval is not possible while the statement is in ${s.stage}`);
    const m = marketOf(p);
    if (!m.approvers.includes(request.actor.orgId))
      reject('forbidden', 'Only the buyers that confirmed their needs approve the statement');
    if (request.version !== m.text!.version) {
      reject('conflict', `The text is at version ${m.text!.version}`, [
        { field: 'version', rule: `must be the current version (${m.text!.version})` },
      ]);
    }
    if (
      request.decision === 'request_changes' &&
      !(typeof request.comment === 'string' ? request.comment.trim() : request.comment)
    ) {
      reject('unprocessable', 'Say what should change', [
        { field: 'comment', rule: 'is required when asking for changes' },
      ]);
    }
  };
  p.onUpdate(
    decideApprovalUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        validateDecision(request);
        const decision = request.decision === 'approve' ? 'approved' : 'changes_requested';
        await recordMarket(p, request.actor, {
          kind: 'approval_decided',
          orgId: request.actor.orgId,
          version: request.version,
          decision,
          comment: (typeof request.comment === 'string' ? request.comment.trim() : request.comment) || null,
        });
        marketOf(p).decisions[request.actor.orgId] = decision;
        return { ...p.ack(), textVersion: request.version };
      }),
    {
      validator: (request) => {
        validateDecision(request);
        requireBindingAuthority(request.actor, 'approveStatement');
      },
    },
  );

  const validateProceed = (request: { actor: Actor }) => {
    p.requireCreated();
    p.requireLead(request.actor);
    if (!operationOpen('publishWithoutMissing', s.stage))
      reject('wrong_stage', `Only possible in approval, not in ${s.stage}`);
    if (s.deadline !== null && Date.now() < s.deadline) {
      reject(
        'conflict',
        `Publishing without every approval is possible once the deadline (${new Date(s.deadline).toISOString()}) has passed`,
      );
    }
    if (approvedBy(p).length === 0)
      reject('unprocessable', 'Nobody has approved the current version: there would be no signatory');
  };
  p.onUpdate(
    proceedWithoutMissingUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        validateProceed(request);
        await recordMarket(p, request.actor, {
          kind: 'proceed_without_missing',
          version: marketOf(p).text!.version,
          missingOrgIds: missing(p),
        });
        marketOf(p).proceedRequested = true;
        return p.ack();
      }),
    { validator: validateProceed },
  );

  const validateRequestToSign = (request: { actor: Actor }) => {
    p.requireCreated();
    if (!operationOpen('decideSignatory', s.stage))
      reject('wrong_stage', 'Only a published statement takes new signatories');
    const m = marketOf(p);
    if (m.signatories.includes(request.actor.orgId))
      reject('conflict', 'Your organisation signed this statement already');
    if (m.signatoryRequests.includes(request.actor.orgId))
      reject('conflict', 'Your organisation has asked already; the lead buyer will answer');
  };
  p.onUpdate(
    requestToSignUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        validateRequestToSign(request);
        await recordMarket(p, request.actor, { kind: 'signatory_requested', orgId: request.actor.orgId });
        marketOf(p).signatoryRequests.push(request.actor.orgId);
        return p.ack();
      }),
    {
      validator: (request) => {
        validateRequestToSign(request);
        requireBindingAuthority(request.actor, 'requestToSign');
      },
    },
  );

  const validateSignatory = (request: DecideSignatoryRequest) => {
    p.requireCreated();
    p.requireLead(request.actor);
    if (!operationOpen('decideSignatory', s.stage))
      reject('wrong_stage', 'Only a published statement takes new signatories');
    if (!marketOf(p).signatoryRequests.includes(request.orgId))
      reject('not_found', 'This organisation has not asked to sign', [
        { field: 'organisationId', rule: 'must have asked to sign' },
      ]);
  };
  p.onUpdate(
    decideSignatoryUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        validateSignatory(request);
        const m = marketOf(p);
        await recordMarket(p, request.actor, {
          kind: 'signatory_decided',
          orgId: request.orgId,
          accepted: request.accept,
        });
        m.signatoryRequests = m.signatoryRequests.filter((o) => o !== request.orgId);
        if (!request.accept) return { ...p.ack(), publicationVersion: m.publication?.version ?? null };
        const publicationId = uuid4();
        const version = m.publication!.version + 1;
        const signatories = [...m.signatories, request.orgId];
        await recordMarket(p, request.actor, {
          kind: 'statement_published',
          publicationId,
          version,
          textVersion: m.text!.version,
          signatoryOrgIds: signatories,
          newOrgIds: [request.orgId],
          late: true,
        });
        m.publication = { publicationId, version };
        m.signatories = signatories;
        return { ...p.ack(), publicationVersion: version };
      }),
    { validator: validateSignatory },
  );
}
