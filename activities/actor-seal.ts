import { ApplicationFailure } from '@temporalio/activity';

import { type SealedScope, sealValid } from '../platform/actor-seal.js';

/**
 * The worker's side of the actor seal (platform/actor-seal.ts, where the API seals): the
 * workflows have each request's seal checked by this activity before the update changes anything.
 */

/** What the check is given: the update's scope and its request, seal included. */
export interface VerifySealInput extends SealedScope {
  request: Record<string, unknown>;
}

/** Run by the workflows as a local activity (outside the sandbox, where the key is). */
export function createActorSealActivities(deps: { actorKey: string }) {
  return {
    async verifyActorSeal(input: VerifySealInput): Promise<void> {
      const { request, ...scope } = input;
      if (!sealValid(deps.actorKey, scope, request)) {
        throw ApplicationFailure.create({
          type: 'forbidden',
          message: 'The request was not sent by the API: its actor cannot be trusted',
          nonRetryable: true,
        });
      }
    },
  };
}

export type ActorSealActivities = ReturnType<typeof createActorSealActivities>;
