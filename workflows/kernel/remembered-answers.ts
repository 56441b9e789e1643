/** An update's answer as a run remembers it, and its size as JSON (computed once, when given). */
export interface RememberedAnswer {
  id: string;
  result: unknown;
  bytes?: number;
}

export interface RememberLimits {
  /** At most this many answers. */
  count: number;
  /** At most this many bytes of JSON in all, so the state carried across continue-as-new stays
   * far below Temporal's payload limits (warning at 512 KB, failure at 2 MB) whatever one answer
   * holds: an invitation of 5,000 buyers answers 5,000 ids. */
  bytes: number;
  /** Never fewer than this many past `bytes`: Temporal lets at most 10 updates be in flight on
   * one workflow, and these are the ones a client may still be retrying. */
  keepAtLeast: number;
  /** Never more than this many bytes, large answers dropped first, however few that leaves
   * (the newest is always kept). Without it, ten invitations of 5,000 organisations (`keepAtLeast`) carried 1.95 MB,
   * against the 2 MB at which Temporal refuses the next run's input. An answer dropped so is not
   * lost work: its update, retried on the next run, runs again, and the lead's updates are safe
   * to repeat (an organisation invited twice is listed as already invited). */
  hardBytes?: number;
}

export const rememberLimits: RememberLimits = { count: 500, bytes: 64 * 1024, keepAtLeast: 10 };
/** The limits since `remembered-answers-hard-cap` (workflows/kernel/process-updates.ts). */
export const cappedRememberLimits: RememberLimits = { ...rememberLimits, hardBytes: 512 * 1024 };

export function answerBytes(answer: RememberedAnswer): number {
  return answer.bytes ?? JSON.stringify({ id: answer.id, result: answer.result }).length;
}

/**
 * Adds the latest answer and forgets the oldest beyond the limits. Pure and deterministic, so a
 * workflow can call it; it changes the list in place because the list is the workflow's state.
 */
export function rememberAnswer(
  answers: RememberedAnswer[],
  id: string,
  result: unknown,
  limits: RememberLimits = rememberLimits,
): void {
  const latest: RememberedAnswer = { id, result };
  latest.bytes = answerBytes(latest);
  answers.push(latest);
  let total = 0;
  for (const a of answers) total += answerBytes(a);
  let drop = Math.max(0, answers.length - limits.count);
  for (let i = 0; i < drop; i++) total -= answerBytes(answers[i]!);
  while (answers.length - drop > limits.keepAtLeast && total > limits.bytes) {
    total -= answerBytes(answers[drop]!);
    drop++;
  }
  if (drop > 0) answers.splice(0, drop);
  if (limits.hardBytes === undefined || total <= limits.hardBytes) return;
  // Large answers first, oldest first (never the newest): those are invitations, safe to run
  // again, while a small answer (a stage decision) retried on the next run would be refused as
  // done already.
  const large = limits.hardBytes / limits.keepAtLeast;
  for (const largeOnly of [true, false])
    for (let i = 0; i < answers.length - 1 && total > limits.hardBytes;) {
      const bytes = answerBytes(answers[i]!);
      if (largeOnly && bytes <= large) i++;
      else {
        answers.splice(i, 1);
        total -= bytes;
      }
    }
}
