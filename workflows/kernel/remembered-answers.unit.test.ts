import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { answerBytes, cappedRememberLimits, rememberAnswer, rememberLimits } from './remembered-answers.js';

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `org-${String(from + i).padStart(8, '0')}`);

describe('the answers a run carries across continue-as-new', () => {
  it('keeps the latest 500 small answers', () => {
    const answers: { id: string; result: unknown }[] = [];
    for (let i = 0; i < 600; i++) rememberAnswer(answers, `u${i}`, { version: i });
    expect(answers).toHaveLength(500);
    expect(answers[0]!.id).toBe('u100');
    expect(answers.at(-1)!.id).toBe('u599');
  });

  it('stays under its byte budget when each answer lists thousands of invited buyers', () => {
    const answers: { id: string; result: unknown }[] = [];
    // 10,000 buyers invited 100 at a time: remembered whole, the answers held every id (≈ 400 KB).
    for (let batch = 0; batch < 100; batch++)
      rememberAnswer(answers, `invite-${batch}`, { invited: ids(100, batch * 100), alreadyInvited: [] });
    const total = answers.reduce((sum, a) => sum + answerBytes(a), 0);
    expect(total).toBeLessThanOrEqual(rememberLimits.bytes);
    expect(JSON.stringify(answers).length).toBeLessThan(rememberLimits.bytes + answers.length * 16);
    expect(answers.at(-1)!.id).toBe('invite-99');
    expect(answers.length).toBeGreaterThanOrEqual(rememberLimits.keepAtLeast);
  });

  it('keeps the last ten answers past its budget, since up to ten updates can be in flight', () => {
    const answers: { id: string; result: unknown }[] = [];
    for (let i = 0; i < 12; i++) rememberAnswer(answers, `big-${i}`, { invited: ids(1_000) });
    expect(answers.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `big-${i + 2}`));
  });

  it('never carries near the 2 MB a payload may have, even ten invitations of 5,000 organisations', () => {
    // An invitation names up to 5,000 organisations (inviteBuyersRequestSchema); sent ten times,
    // the same 5,000 come back as `alreadyInvited`: about 195 KB of UUIDs each, 1.95 MB for ten.
    const orgs = Array.from({ length: 5_000 }, () => randomUUID());
    const answers: { id: string; result: unknown }[] = [];
    rememberAnswer(answers, 'closeStage', { stage: 'confirmation' }, cappedRememberLimits);
    for (let i = 0; i < 12; i++)
      rememberAnswer(answers, `invite-${i}`, { invited: [], alreadyInvited: orgs }, cappedRememberLimits);
    const total = JSON.stringify(answers).length;
    expect(total).toBeLessThanOrEqual(cappedRememberLimits.hardBytes!);
    expect(cappedRememberLimits.hardBytes!).toBeLessThanOrEqual(1024 * 1024);
    // The large answers go first: the stage decision, older than all of them, is still there.
    expect(answers.map((a) => a.id)).toEqual(['closeStage', 'invite-10', 'invite-11']);
    // One answer larger than the cap alone is still remembered: the newest always is.
    const huge = Array.from({ length: 30_000 }, () => randomUUID());
    rememberAnswer(answers, 'huge', { invited: huge, alreadyInvited: [] }, cappedRememberLimits);
    expect(answers.map((a) => a.id)).toEqual(['huge']);
  });

  it('counts answers remembered before sizes were kept', () => {
    const answers: { id: string; result: unknown; bytes?: number }[] = Array.from({ length: 20 }, (_, i) => ({
      id: `old-${i}`,
      result: { invited: ids(200) },
    }));
    rememberAnswer(answers, 'new', { version: 1 });
    const total = answers.reduce((sum, a) => sum + answerBytes(a), 0);
    expect(total).toBeLessThanOrEqual(rememberLimits.bytes);
    expect(answers.at(-1)).toMatchObject({ id: 'new', result: { version: 1 } });
  });
});
