import { once } from 'node:events';

import type { Response } from 'express';

import type { ExportedAudit } from '../../services/audit/audit-export.js';

export const auditExportDescription =
  'Every event up to the head verified in the same snapshot, with the viewer’s confidentiality rules (a withheld field is null and named in `withheld`). ' +
  'Each `hash` is SHA-256 over the previous hash, a newline and the RFC 8785 (JCS) form of the event body, so the file can be checked offline: ' +
  '`node bin/verify-audit-export.mjs <file>` (Node only, no dependencies). The head is in the first JSON line and, for both formats, in the `X-Audit-Head` header (`seq:hash`).';

/**
 * Sends an export as a download, chunk by chunk with backpressure; the head travels in a header
 * too, so a CSV carries it as well. A client that goes away ends the export's snapshot.
 */
export async function sendAuditExport(res: Response, file: ExportedAudit): Promise<void> {
  res
    .status(200)
    .type(file.contentType)
    .setHeader('Content-Disposition', `attachment; filename="${file.filename}"`)
    .setHeader('X-Audit-Head', `${file.head.seq}:${file.head.hash}`)
    .setHeader('X-Audit-Valid', String(file.verification.valid));
  try {
    for await (const chunk of file.chunks) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } finally {
    await file.chunks.return(undefined);
  }
}
