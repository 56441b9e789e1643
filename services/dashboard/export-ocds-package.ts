import { cpvCheckDigits, publishedStatementsForOcds } from '../../db/dashboard.js';
import { listParticipants } from '../../db/statements.js';
import type { Aggregate } from '../../domain/aggregation.js';
import type { Principal } from '../../domain/authorization.js';
import { ocdsExtensions, ocdsVersion, toOcdsRelease, toReleasePackage, type OcdsReleasePackage } from '../../domain/ocds.js';
import type { Schedule } from '../../domain/statement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';

/** The OCDS prefix of this publisher's ocids (`ocds-` and six characters, as the registry assigns). */
export const ocidPrefix = 'ocds-jdmnd1';
const publisher = { name: 'jointdemand' };

/** Buyers that signed up to a published statement: those who confirmed their needs (and any later signatory statuses). */
const signatoryStatuses = new Set(['confirmed', 'signed']);

/**
 * Every published statement as an OCDS planning release, in one release package. Items are the
 * aggregate's demand per CPV code (the lines filed under exactly that code), with the official
 * check digit and label where the CPV list has them.
 */
export async function buildOcdsPackage(ctx: ServiceContext, now = new Date()): Promise<OcdsReleasePackage> {
  const statements = await publishedStatementsForOcds(ctx.db);
  const uri = new URL('/api/dashboard/published.ocds.json', ctx.config.PUBLIC_URL).toString();
  if (statements.length === 0) {
    // The package schema wants at least one release; an empty publication is an empty list.
    return { uri, version: ocdsVersion, extensions: [...ocdsExtensions], publishedDate: now.toISOString(), publisher, releases: [] };
  }
  const releases = [];
  for (const s of statements) {
    const aggregate = s.aggregate as Aggregate | null;
    const codes = (aggregate?.byCpv ?? []).filter((n) => n.direct.lines > 0);
    const cpv = await cpvCheckDigits(ctx.db, codes.map((n) => n.cpvCode));
    const participants = await listParticipants(ctx.db, s.id);
    const schedule = s.schedule as Schedule;
    releases.push(
      toOcdsRelease(
        {
          statementId: s.id,
          title: s.title,
          description: s.description,
          version: s.details_version,
          publishedAt: s.stage_entered_at.toISOString(),
          leadBuyer: { orgId: s.lead_id, name: s.lead_name, country: s.lead_country.trim() },
          buyers: participants
            .filter((p) => signatoryStatuses.has(p.status) || p.organisation_id === s.lead_id)
            .map((p) => ({ orgId: p.organisation_id, name: p.name, country: p.country.trim(), buyerLegalType: p.buyer_legal_type ?? 'la' })),
          items: codes.map((n) => ({
            cpvCode: n.cpvCode,
            cpvCheckDigit: cpv.get(n.cpvCode)?.checkDigit ?? null,
            description: cpv.get(n.cpvCode)?.label ?? n.cpvCode,
            quantities: n.direct.quantities.map((q) => ({ unit: q.unit, quantity: q.totalQuantity })),
          })),
          totalValueEur: aggregate?.totals.valueEur ?? '0',
          deliveryPeriod: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
          expectedProcurementStart: schedule.expectedProcurementStart,
        },
        { ocidPrefix },
      ),
    );
  }
  return toReleasePackage(releases, { uri, publishedDate: now.toISOString(), publisher });
}

export async function exportOcdsPackage(ctx: ServiceContext, principal: Principal, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'exportOcds');
  return buildOcdsPackage(ctx);
}
