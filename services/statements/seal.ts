import { type SealedScope, sealField, sealRequest } from '../../platform/actor-seal.js';
import { actorSealKey } from '../../platform/config.js';
import type { ServiceContext } from '../context.js';

/** The request with its seal: what the workflow has checked before it acts on the actor it names. */
export function sealedArg<Arg>(ctx: Pick<ServiceContext, 'config'>, scope: SealedScope, arg: Arg): Arg {
  const key = actorSealKey({
    NODE_ENV: ctx.config.NODE_ENV ?? 'development',
    TEMPORAL_ACTOR_KEY: ctx.config.TEMPORAL_ACTOR_KEY,
  });
  return { ...arg, [sealField]: sealRequest(key, scope, arg as Record<string, unknown>) };
}
