import { z } from 'zod';

import { anyCountrySchema } from '../../../domain/organisations.js';
import {
  maxSavedSearchCountries,
  maxSavedSearchCpvPrefixes,
  maxSavedSearches,
  maxSavedSearchNameLength,
  maxSavedSearchWords,
  maxSavedSearchWordsLength,
  savedSearchKinds,
} from '../../../domain/saved-search.js';
import { cpvPrefixSchema } from '../../../domain/suppliers.js';
import { searchWords } from '../../../rules/search-text.js';
import { text } from '../../../rules/text-policy.js';

const sortedOnce = <T extends string>(l: T[]) => [...new Set(l)].sort();

/** What a supplier saves: each field is checked here and a broken one is a 400 naming it and the rule. */
export const savedSearchInputSchema = z
  .object({
    name: text('name', {
      min: 1,
      max: maxSavedSearchNameLength,
      description: 'The search’s name, shown in the list and the e-mails',
    }),
    words: text('line', {
      max: maxSavedSearchWordsLength,
      description: 'Words that must all be in the title or description (any language; case and accents do not matter)',
    })
      .refine((w) => searchWords(w, maxSavedSearchWords + 1).length <= maxSavedSearchWords, {
        message: `must have at most ${maxSavedSearchWords} words`,
      })
      .default(''),
    cpvPrefixes: z
      .array(cpvPrefixSchema)
      .max(maxSavedSearchCpvPrefixes, `must name at most ${maxSavedSearchCpvPrefixes} CPV codes`)
      .default([])
      .transform(sortedOnce)
      .meta({ description: 'CPV codes or prefixes; each matches itself and every code below it. Empty: any code' }),
    countries: z
      .array(anyCountrySchema)
      .max(maxSavedSearchCountries, `must name at most ${maxSavedSearchCountries} countries`)
      .default([])
      .transform(sortedOnce)
      .meta({ description: 'Buyers’ countries (ISO 3166-1 alpha-2); empty: every country' }),
    kinds: z
      .array(z.enum(savedSearchKinds, { error: 'must be statement or consultation' }))
      .min(1, 'must name at least one kind: statement or consultation')
      .default([...savedSearchKinds])
      .transform(sortedOnce)
      .meta({ description: 'Published statements, open market consultations, or both' }),
    email: z
      .boolean({ error: 'must be true or false' })
      .default(true)
      .meta({ description: 'E-mail the owner when a matching statement is published or consultation opens' }),
  })
  .strict()
  .meta({ id: 'SavedSearchInput' });
export type SavedSearchInput = z.output<typeof savedSearchInputSchema>;

export const savedSearchViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    words: z.string(),
    cpvPrefixes: z.array(z.string()),
    countries: z.array(z.string()),
    kinds: z.array(z.enum(savedSearchKinds)),
    email: z.boolean(),
    feedUrl: z
      .string()
      .nullable()
      .meta({ description: 'The Atom feed’s secret address: given only when it is made or replaced (null after)' }),
    feedRotatedAt: z.string(),
    feedLastUsedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedSearch' });
export type SavedSearchView = z.infer<typeof savedSearchViewSchema>;

export const savedSearchListSchema = z
  .object({ searches: z.array(savedSearchViewSchema), maxSearches: z.int().meta({ example: maxSavedSearches }) })
  .meta({ id: 'SavedSearchList' });
export type SavedSearchList = z.infer<typeof savedSearchListSchema>;

export const savedSearchUnsubscribeSchema = z
  .object({
    name: z.string(),
    email: z.boolean().meta({ description: 'Whether the search still e-mails' }),
    locale: z.string().meta({ description: 'The owner’s language, in which the unsubscribe page speaks' }),
  })
  .meta({ id: 'SavedSearchUnsubscribe' });
export type SavedSearchUnsubscribeView = z.infer<typeof savedSearchUnsubscribeSchema>;

/** Any text: a malformed secret is answered like a wrong one (404), telling nothing of the format. */
export const savedSearchFeedParams = z.object({ token: z.string().max(200) });
export const savedSearchParams = z.object({ searchId: z.uuid({ message: 'must be a saved search id (UUID)' }) });
export const savedSearchUnsubscribeQuery = z.object({
  token: z.string().max(200, 'must be the unsubscribe token from one of our e-mails'),
});
