import { publishedReleases } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import {
  ocdsExtensions,
  type OcdsRelease,
  type OcdsReleasePackage,
  ocdsVersion,
  toReleasePackage,
} from '../../domain/ocds.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';

const publisher = { name: 'jointdemand' };

/**
 * Every published statement in one OCDS release package: each published version's planning
 * release exactly as it was published (the public per-statement package has the same releases).
 */
export async function buildOcdsPackage(ctx: ServiceContext, now = new Date()): Promise<OcdsReleasePackage> {
  const rows = await publishedReleases(ctx.db);
  const uri = new URL('/api/dashboard/published.ocds.json', ctx.config.PUBLIC_URL).toString();
  const publishedDate = (rows.at(-1)?.published_at ?? now).toISOString();
  if (rows.length === 0) {
    // The package schema wants at least one release; an empty publication is an empty list.
    return {
      uri,
      version: ocdsVersion,
      extensions: [...ocdsExtensions],
      publishedDate,
      publisher: { ...publisher, uri: ctx.config.PUBLIC_URL },
      releases: [],
    };
  }
  return toReleasePackage(
    rows.map((r) => r.release as OcdsRelease),
    { uri, publishedDate, publisher: { ...publisher, uri: ctx.config.PUBLIC_URL } },
  );
}

export async function exportOcdsPackage(ctx: ServiceContext, principal: Principal, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'exportOcds');
  return buildOcdsPackage(ctx);
}
