import { listGroupings } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';

/** The groupings in use, with how many pilots each has: the dashboard's filter choices. */
export async function listPilotGroupings(ctx: ServiceContext, principal: Principal, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'listGroupings');
  const rows = await listGroupings(ctx.db);
  return rows.map((r) => ({ kind: r.kind, name: r.name, pilots: Number(r.pilots) }));
}
