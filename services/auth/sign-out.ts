import { revokeSession } from '../../db/sessions.js';
import type { ServiceContext } from '../context.js';

export async function signOut(ctx: ServiceContext, sessionId: string | undefined): Promise<void> {
  if (sessionId) await revokeSession(ctx.db, sessionId);
}
