import { stringify } from 'csv-stringify/sync';

import { chainRows, entryOfRow, hashedBody, type VerifiedChain, verifyInSnapshot } from '../../db/audit.js';
import type { Db } from '../../db/database.js';
import type { AuditEventRow } from '../../db/schema.js';
import { canonicalJson } from '../../platform/canonical-json.js';

/**
 * An audit chain as a file anyone can check offline: each event with the fields its hash covers,
 * and the head the export was verified up to. The hash rule is stated in the file itself.
 */
export const HASH_RULE =
  'hash = lowercase hex of SHA-256(prevHash + "\\n" + JCS(body)), JCS = RFC 8785 JSON Canonicalization Scheme, body = {chain, seq, eventKey, statementId, actorUserId, actorOrgId, action, data, at}; the first event links to prevHash = 64 zeros';
export const VERIFY_COMMAND =
  'node bin/verify-audit-export.mjs <file> (Node 18+, no dependencies: it needs only node:crypto)';

export const csvColumns = [
  'seq',
  'chain',
  'eventKey',
  'statementId',
  'actorUserId',
  'actorOrgId',
  'action',
  'data',
  'at',
  'prevHash',
  'hash',
  'withheld',
] as const;

export interface ExportedAudit {
  contentType: string;
  filename: string;
  head: { seq: number; hash: string };
  verification: VerifiedChain;
  /**
   * The file, a batch of events at a time, read in the snapshot the head was verified in, so a
   * chain of any length streams in constant memory. The snapshot ends with the last chunk, or
   * when the consumer stops early (`return()`).
   */
  chunks: AsyncGenerator<string, void, undefined>;
}

/**
 * The whole chain up to a head verified in the same snapshot. `dataFor` applies the viewer's
 * confidentiality rules: a field it withholds is null and named in `withheld`, and the offline
 * check then verifies that event's links but cannot re-hash it.
 */
export async function exportAuditChain(
  db: Db,
  chain: string,
  format: 'jsonl' | 'csv',
  dataFor: (e: AuditEventRow) => Record<string, unknown>,
  meta: { exportedAt: Date; exportedBy: string },
): Promise<ExportedAudit> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
  let verification: VerifiedChain;
  try {
    verification = await verifyInSnapshot(trx, chain, { expectEvents: true });
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  }
  const head = verification.head;
  const stamp = meta.exportedAt.toISOString().replace(/[:.]/g, '-');
  const name = `audit-${chain.replace(/[^A-Za-z0-9-]/g, '-')}-${head.seq}-${stamp}`;
  const header = {
    type: 'audit-export',
    version: 1,
    chain,
    head,
    verification: { valid: verification.valid, events: verification.events, problem: verification.problem },
    exportedAt: meta.exportedAt.toISOString(),
    exportedBy: meta.exportedBy,
    hashRule: HASH_RULE,
    verify: VERIFY_COMMAND,
  };
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    let ended = false;
    try {
      yield format === 'csv' ? stringify([[...csvColumns]]) : `${JSON.stringify(header)}\n`;
      for await (const rows of chainRows(trx, chain, head.seq)) {
        const events = rows.map((row) => exportedEvent(row, dataFor(row)));
        yield format === 'csv'
          ? stringify(
              events.map((e) =>
                csvColumns.map((c) =>
                  c === 'data'
                    ? canonicalJson(e.data)
                    : c === 'withheld'
                      ? (e.withheld as string[]).join(' ')
                      : (e[c] ?? ''),
                ),
              ),
            )
          : events.map((e) => `${JSON.stringify(e)}\n`).join('');
      }
      ended = true;
      await trx.commit().execute();
    } finally {
      if (!ended) await trx.rollback().execute();
    }
  }
  return {
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    filename: `${name}.${format}`,
    head,
    verification,
    chunks: chunks(),
  };
}

function exportedEvent(row: AuditEventRow, shown: Record<string, unknown>): Record<string, unknown> {
  const body = hashedBody(row.seq, entryOfRow(row, shown));
  const recorded = row.data as Record<string, unknown>;
  const withheld = Object.keys(recorded)
    .filter((k) => canonicalJson(recorded[k]) !== canonicalJson(shown[k]))
    .sort();
  return { type: 'event', ...body, prevHash: row.prev_hash, hash: row.hash, withheld };
}
