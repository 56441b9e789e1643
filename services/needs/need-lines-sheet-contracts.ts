import { z } from 'zod';

import { needLineDraftSchema } from '../../domain/need-lines.js';
import { stages } from '../../rules/stages.js';
import { draftSavedSchema } from './needs-contracts.js';

/** The language of a need-line workbook: its headers, notes and how text numbers in it are read. */
export const sheetLanguageQuery = z.object({
  lang: z.enum(['en', 'fr', 'de'], { error: 'must be en, fr or de' }).default('en').meta({
    description:
      'Language of the headers and notes, and of numbers typed as text in the sheet (en 390,000.50; fr 390 000,50; de 390.000,50). Default en.',
  }),
});

/** What an uploaded sheet filled: the draft as saved, its lines as the form shows them. */
export const needLinesImportedSchema = z
  .object({
    filled: z.int().meta({ description: 'How many need lines the sheet filled the draft with' }),
    savedAt: z.string(),
    stage: z.enum(stages),
    readyToSubmit: z.boolean(),
    problems: draftSavedSchema.shape.problems,
    lines: z.array(needLineDraftSchema).meta({ description: 'The draft’s need lines, as saved' }),
  })
  .meta({ id: 'NeedLinesImported' });
