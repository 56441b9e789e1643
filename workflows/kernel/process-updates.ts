import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, currentUpdateInfo, patched, setHandler } from '@temporalio/workflow';

import { requireSeal, verifySeal } from '../actor-boundary.js';
import { handingOverFailureType } from './messages.js';
import { cappedRememberLimits, rememberAnswer, type RememberedAnswer } from './remembered-answers.js';

/** What a process carries across continue-as-new for its updates: the latest answers given. */
export interface RememberedUpdates {
  completedUpdates?: RememberedAnswer[];
}

/** Enough to cover every update that can be in flight while a run hands over to the next. */
const rememberedUpdates = 500;

/**
 * Since this patch the answers are also bounded in bytes (`remembered-answers.ts`): 500 answers
 * to invitations of 100 buyers each carried every invited id, 392 KB at 10,000 buyers.
 */
export const rememberedAnswersBySizePatch = 'remembered-answers-by-size';
/** Since this patch the answers carried never exceed a hard byte cap, however few that leaves (`cappedRememberLimits`). */
export const rememberedAnswersHardCapPatch = 'remembered-answers-hard-cap';

/**
 * The part of the process kernel that takes updates, shared by the statement and the agreement
 * workflows. Every update's request is sealed by the API (`actor-boundary.ts`). Temporal
 * deduplicates update ids within a run only: a client retrying an update while the workflow
 * continues as new reaches the next run with the same id, which would otherwise run it a second
 * time (or refuse it as, say, "answered already"), so the latest answers travel with the state.
 * Once the run decides to continue as new (`handingOver`), new updates are refused so it can drain
 * and end instead of growing past the history limits under a steady stream of updates.
 */
export class ProcessUpdates {
  handingOver = false;

  constructor(private readonly state: RememberedUpdates) {}

  register<Ret, Args extends unknown[]>(
    definition: UpdateDefinition<Ret, Args>,
    handler: (...args: NoInfer<Args>) => Promise<Ret>,
    options?: { validator?: (...args: NoInfer<Args>) => void },
  ): void {
    const earlier = () => {
      const id = currentUpdateInfo()?.id;
      return id === undefined ? undefined : this.state.completedUpdates?.find((u) => u.id === id);
    };
    const validator = options?.validator;
    setHandler(
      definition,
      async (...args: Args): Promise<Ret> => {
        const done = earlier();
        if (done) return done.result as Ret;
        await verifySeal(args[0]);
        const result = await handler(...args);
        this.remember(result);
        return result;
      },
      {
        validator: (...args: Args) => {
          if (earlier()) return;
          if (this.handingOver)
            throw ApplicationFailure.create({
              type: handingOverFailureType,
              message: 'The process is moving to its next run',
              nonRetryable: true,
            });
          validator?.(...args);
          requireSeal(args[0]);
        },
      },
    );
  }

  private remember(result: unknown): void {
    const id = currentUpdateInfo()?.id;
    if (id === undefined) return;
    const completed = (this.state.completedUpdates ??= []);
    if (patched(rememberedAnswersHardCapPatch)) {
      rememberAnswer(completed, id, result, cappedRememberLimits);
      return;
    }
    if (patched(rememberedAnswersBySizePatch)) {
      rememberAnswer(completed, id, result);
      return;
    }
    completed.push({ id, result });
    if (completed.length > rememberedUpdates) completed.splice(0, completed.length - rememberedUpdates);
  }
}
