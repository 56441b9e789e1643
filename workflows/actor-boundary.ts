import {
  ActivityFailure,
  ApplicationFailure,
  currentUpdateInfo,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';

import type { ActorSealActivities } from '../activities/actor-seal.js';
import { type BindingAct, mayActBindingly } from '../domain/authorization.js';
import type { Actor } from '../domain/events.js';

/**
 * The workflows do not trust the actor an update names: anyone who reaches the Temporal
 * frontend can send any arguments. The API seals every request (`activities/actor-seal.ts`);
 * a validator refuses a request without a seal before it is accepted, and the handler has the
 * seal checked (an activity, where the key is) before it changes or records anything.
 * Runs recorded before seals existed replay without the check (`patched`).
 */
// Always inside an update: bounded, so an update cannot wait forever on the check.
const { verifyActorSeal } = proxyActivities<ActorSealActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['forbidden'],
  },
});
/**
 * The first version checked the seal in a local activity, which Temporal's update handling
 * replays inconsistently when many updates run at once (a nondeterminism error under load);
 * runs that recorded it still replay with it.
 */
const local = proxyLocalActivities<ActorSealActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['forbidden'] },
});

export const sealedActorsPatch = 'sealed-actors-activity';
const sealedActorsLocalPatch = 'sealed-actors';

const untrusted = () =>
  ApplicationFailure.create({
    type: 'forbidden',
    message: 'The request was not sent by the API: its actor cannot be trusted',
    nonRetryable: true,
  });

/** For validators: a request without a seal never came from the API. */
export function requireSeal(request: unknown): void {
  if (typeof (request as { seal?: unknown } | null)?.seal !== 'string') throw untrusted();
}

/** For handlers, before anything changes: the seal must be the API's for this workflow, update and request. */
export async function verifySeal(request: unknown): Promise<void> {
  const verify = patched(sealedActorsPatch)
    ? verifyActorSeal
    : patched(sealedActorsLocalPatch)
      ? local.verifyActorSeal
      : undefined;
  if (!verify) return;
  const update = currentUpdateInfo();
  if (!update) throw untrusted();
  try {
    await verify({
      workflowId: workflowInfo().workflowId,
      update: update.name,
      updateId: update.id,
      request: (request ?? {}) as Record<string, unknown>,
    });
  } catch (error) {
    if (error instanceof ActivityFailure && (error.cause as { type?: string } | undefined)?.type === 'forbidden')
      throw untrusted();
    throw error;
  }
}

/**
 * For validators of binding acts: the same rule as the API's (`mayActBindingly`), applied to the
 * roles the API sealed into the actor. Only in validators, never in handlers, so runs recorded
 * before roles were sealed replay as they ran.
 */
export function requireBindingAuthority(actor: Actor, act: BindingAct): void {
  const decision = mayActBindingly(actor.roles, act);
  if (!decision.allowed)
    throw ApplicationFailure.create({ type: 'forbidden', message: decision.reason, nonRetryable: true });
}
