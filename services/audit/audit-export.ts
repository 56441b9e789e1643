import { stringify } from 'csv-stringify/sync';
import { chainRows, hashedBody, inSnapshot, verifyInSnapshot, type VerifiedChain } from '../../db/audit.js';
import { canonicalJson } from '../../db/canonical-json.js';
import type { Db } from '../../db/database.js';
import type { AuditEventRow } from '../../db/schema.js';

/**
 * An audit chain as a file anyone can check offline: each event with the fields its hash covers,
 * and the head the export was verified up to. The hash rule is stated in the file itself.
 */
export const HASH_RULE =
  'hash = lowercase hex of SHA-256(prevHash + "\\n" + JCS(body)), JCS = RFC 8785 JSON Canonicalization Scheme, body = {chain, seq, eventKey, statementId, actorUserId, actorOrgId, action, data, at}; the first event links to prevHash = 64 zeros';
export const VERIFY_COMMAND = 'node bin/verify-audit-export.mjs <file> (Node 18+, no dependencies: it needs only node:crypto)';

export const csvColumns = ['seq', 'chain', 'eventKey', 'statementId', 'actorUserId', 'actorOrgId', 'action', 'data', 'at', 'prevHash', 'hash', 'withheld'] as const;

export interface ExportedAudit {
  body: string;
  contentType: string;
  filename: string;
  head: { seq: number; hash: string };
  verification: VerifiedChain;
}

/**
 * Reads the whole chain up to a head verified in the same snapshot. `dataFor` applies the
 * viewer's confidentiality rules: a field it withholds is null and named in `withheld`, and the
 * offline check then verifies that event's links but cannot re-hash it.
 */
export async function exportAuditChain(
  db: Db,
  chain: string,
  format: 'jsonl' | 'csv',
  dataFor: (e: AuditEventRow) => Record<string, unknown>,
  meta: { exportedAt: Date; exportedBy: string },
): Promise<ExportedAudit> {
  return inSnapshot(db, async (trx) => {
    const verification = await verifyInSnapshot(trx, chain, { expectEvents: true });
    const events: Record<string, unknown>[] = [];
    for await (const rows of chainRows(trx, chain, verification.head.seq)) {
      for (const row of rows) events.push(exportedEvent(row, dataFor(row)));
    }
    const stamp = meta.exportedAt.toISOString().replace(/[:.]/g, '-');
    const name = `audit-${chain.replace(/[^A-Za-z0-9-]/g, '-')}-${verification.head.seq}-${stamp}`;
    if (format === 'csv') {
      const body = stringify(
        events.map((e) => csvColumns.map((c) => (c === 'data' ? canonicalJson(e.data) : c === 'withheld' ? (e.withheld as string[]).join(' ') : (e[c] ?? '')))),
        { header: true, columns: [...csvColumns] },
      );
      return { body, contentType: 'text/csv; charset=utf-8', filename: `${name}.csv`, head: verification.head, verification };
    }
    const header = {
      type: 'audit-export',
      version: 1,
      chain,
      head: verification.head,
      verification: { valid: verification.valid, events: verification.events, problem: verification.problem },
      exportedAt: meta.exportedAt.toISOString(),
      exportedBy: meta.exportedBy,
      hashRule: HASH_RULE,
      verify: VERIFY_COMMAND,
    };
    const body = [header, ...events].map((line) => JSON.stringify(line)).join('\n') + '\n';
    return { body, contentType: 'application/x-ndjson; charset=utf-8', filename: `${name}.jsonl`, head: verification.head, verification };
  });
}

function exportedEvent(row: AuditEventRow, shown: Record<string, unknown>): Record<string, unknown> {
  const body = hashedBody(row.seq, {
    chain: row.chain,
    eventKey: row.event_key,
    statementId: row.statement_id,
    actorUserId: row.actor_user_id,
    actorOrgId: row.actor_org_id,
    action: row.action,
    data: shown,
    at: new Date(row.at),
  });
  const recorded = row.data as Record<string, unknown>;
  const withheld = Object.keys(recorded).filter((k) => canonicalJson(recorded[k]) !== canonicalJson(shown[k])).sort();
  return { type: 'event', ...body, prevHash: row.prev_hash, hash: row.hash, withheld };
}
