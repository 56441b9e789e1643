import { findAgreementVersion } from '../../db/agreements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeAgreement } from './authorize-agreement.js';

/** The rendered document of one version, for the parties only, with the hash recorded for it. */
export async function getAgreementDocument(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  version: number,
  format: 'pdf' | 'html',
  meta: RequestMeta,
): Promise<{ body: Buffer | string; contentHash: string; pdfHash: string; version: number }> {
  await authorizeAgreement(ctx, principal, statementId, 'download', meta);
  const row = await findAgreementVersion(ctx.db, statementId, version);
  if (!row) throw new DomainError('not_found', `The agreement has no version ${version}`);
  return {
    body: format === 'pdf' ? row.pdf : row.html,
    contentHash: row.content_hash,
    pdfHash: row.pdf_hash,
    version: row.version,
  };
}
