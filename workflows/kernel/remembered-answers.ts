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
  /** Never fewer than this many, whatever their size: Temporal lets at most 10 updates be in
   * flight on one workflow, and these are the ones a client may still be retrying. */
  keepAtLeast: number;
}

export const rememberLimits: RememberLimits = { count: 500, bytes: 64 * 1024, keepAtLeast: 10 };

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
}
