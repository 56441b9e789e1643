import { z } from 'zod';

import { dueKinds } from '../../domain/due.js';

export const dueItemSchema = z
  .object({
    statementId: z.string(),
    title: z.string(),
    kind: z.enum(dueKinds).meta({ description: 'What to do (or, for the lead, which stage closes)' }),
    deadline: z.string().nullable().meta({ description: 'ISO 8601 in UTC; null for a step without a deadline' }),
    link: z.string().meta({ description: 'The web page where it is done (a path)' }),
  })
  .meta({ id: 'DueItem' });

export const dueListSchema = z
  .object({
    items: z.array(dueItemSchema).meta({ description: 'The soonest deadline first; steps without a deadline last' }),
    now: z.string().meta({ description: 'The server’s time when the list was made (ISO 8601)' }),
  })
  .meta({ id: 'DueList' });
export type DueList = z.infer<typeof dueListSchema>;

export const calendarFeedSchema = z
  .object({
    url: z.string().nullable().meta({ description: 'The feed’s address; only given when it is made (null after)' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'CalendarFeed' });
export type CalendarFeedView = z.infer<typeof calendarFeedSchema>;

/** Any text: a malformed secret is answered like a wrong one (404), telling nothing of the format. */
export const calendarFeedParams = z.object({ token: z.string().max(200) });
