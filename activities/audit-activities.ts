import { Context } from '@temporalio/activity';

import { auditAlertRecipients, recordAuditAlerts, verifyAllChains } from '../db/audit.js';
import type { Db } from '../db/database.js';
import { enqueueMessages } from '../db/outbox.js';
import { auditAlertKeyPrefix } from '../domain/outbox-keys.js';

export interface AuditActivityDeps {
  db: Db;
  publicUrl: string;
}

export function createAuditActivities(deps: AuditActivityDeps) {
  const { db, publicUrl } = deps;
  return {
    /**
     * Verifies every chain in full; a break becomes an alert row (the administrators' page) and
     * one e-mail per operator, both keyed by the run, so a retried activity raises it once.
     */
    async verifyAuditChains(input: { runId: string }) {
      const report = await verifyAllChains(db, () => {
        try {
          Context.current().heartbeat();
        } catch {
          /* called outside an activity (tests, tools) */
        }
      });
      let alertsQueued = 0;
      if (report.problems.length > 0) {
        await recordAuditAlerts(db, input.runId, report.problems);
        const lines = report.problems.slice(0, 50).map((p) => `- chain ${p.chain}, event ${p.seq}: ${p.issue}`);
        const text = [
          `The nightly audit verification found ${report.problems.length} broken audit chain(s) out of ${report.chains}.`,
          '',
          ...lines,
          ...(report.problems.length > lines.length ? [`… and ${report.problems.length - lines.length} more.`] : []),
          '',
          'This is not a false alarm: every chain is verified in its own database snapshot.',
          `Run \`npm run audit:verify\` on a server with AUDIT_HMAC_KEY to see the current state, and compare with a backup.`,
          `Alerts: ${new URL('/admin/audit', publicUrl).toString()}`,
        ].join('\n');
        const recipients = await auditAlertRecipients(db);
        alertsQueued = await enqueueMessages(
          db,
          recipients.map((r) => ({
            key: `${auditAlertKeyPrefix(input.runId)}:${r.id}`,
            statementId: null,
            recipientUserId: r.id,
            to: r.email,
            locale: 'en',
            subject: `Audit trail: ${report.problems.length} broken chain(s) found`,
            text,
          })),
        );
      }
      return {
        chains: report.chains,
        events: report.events,
        checkpoints: report.checkpoints,
        broken: report.problems.length,
        alertsQueued,
      };
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
