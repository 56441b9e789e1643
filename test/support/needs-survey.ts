import { expect } from 'vitest';

import type { makeActor } from './harness.js';
import { statementDetails, surveyOfEveryType } from './sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A statement of `lead`'s with `questions` as its needs survey, `participants` invited and
 * accepted, and the needs assessment open for an hour: where participants answer the survey.
 */
export async function statementWithSurveyOpen(
  lead: Actor,
  participants: Actor[],
  questions: unknown[] = surveyOfEveryType,
): Promise<string> {
  const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
  expect((await lead.api.put(`/api/statements/${id}/survey`, { questions })).status).toBe(200);
  await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: participants.map((a) => a.org.id) });
  for (const a of participants) expect((await a.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
  const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
  });
  expect(opened.body.stage).toBe('needs_assessment');
  return id;
}

/** `a` saves its need lines and survey answers (accepted without a problem) and submits them. */
export async function submitNeeds(
  a: Actor,
  statementId: string,
  lines: unknown[],
  answers: Record<string, unknown>,
): Promise<void> {
  const saved = await a.api.put(`/api/statements/${statementId}/needs/draft`, { lines, answers });
  expect(saved.body.problems).toEqual([]);
  expect((await a.api.post(`/api/statements/${statementId}/needs/submit`)).status).toBe(200);
}
