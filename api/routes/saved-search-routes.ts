import express from 'express';
import { z } from 'zod';

import { maxSavedSearches } from '../../domain/saved-search.js';
import { translatorFor } from '../../i18n/index.js';
import type { ServiceContext } from '../../services/context.js';
import { createSavedSearch } from '../../services/suppliers/saved-searches/create-saved-search.js';
import { deleteSavedSearch } from '../../services/suppliers/saved-searches/delete-saved-search.js';
import { editSavedSearch } from '../../services/suppliers/saved-searches/edit-saved-search.js';
import { getSavedSearchFeed } from '../../services/suppliers/saved-searches/get-saved-search-feed.js';
import { listSavedSearches } from '../../services/suppliers/saved-searches/list-saved-searches.js';
import { rotateSavedSearchFeed } from '../../services/suppliers/saved-searches/rotate-saved-search-feed.js';
import {
  savedSearchFeedParams,
  savedSearchInputSchema,
  savedSearchListSchema,
  savedSearchParams,
  savedSearchUnsubscribeQuery,
  savedSearchUnsubscribeSchema,
  savedSearchViewSchema,
} from '../../services/suppliers/saved-searches/saved-search-contracts.js';
import {
  savedSearchUnsubscribeStatus,
  unsubscribeSavedSearch,
} from '../../services/suppliers/saved-searches/unsubscribe-saved-search.js';
import { escapeHtml, simplePage } from '../html-page.js';
import { atomContentType } from '../public-document-reply.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta } from './statement-routes.js';

const tags = ['Saved searches'];
const noStore = { 'cache-control': 'no-store' };
const ownerOnly =
  'The caller’s own searches only (supplier users): 403 for buyers, Commission staff and administrators, 404 for anyone else’s search.';

/** The unsubscribe page, in the search owner's language (the link names one search, so one owner). */
function page(locale: string, body: string): string {
  const title = translatorFor(locale)('savedSearch.unsubscribe.title');
  return simplePage(locale, `${title} · jointdemand`, `<h1>${escapeHtml(title)}</h1>${body}`);
}

/** Saved searches with their Atom feeds and e-mail (issue 19). */
export function savedSearchRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/me/saved-searches',
    summary: 'The caller’s saved searches, without their feeds’ addresses',
    description: ownerOnly,
    tags,
    access: 'user',
    responses: { 200: { description: 'The searches, oldest first', schema: savedSearchListSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await listSavedSearches(ctx, principal) }),
  });

  api.add({
    method: 'post',
    path: '/api/me/saved-searches',
    summary: 'Save a search over published statements and open consultations; its feed address is shown this once',
    description:
      `Words must all be in the title or description; a CPV code matches itself and every code below it; no codes, countries or words: ` +
      `anything of the chosen kinds. At most ${maxSavedSearches} per user (422 above). From a signed-in session only (403 with an API token). ` +
      ownerOnly,
    tags,
    access: 'user',
    body: savedSearchInputSchema,
    responses: {
      201: { description: 'Saved; copy the feed address now', schema: savedSearchViewSchema },
      422: { description: 'The user has as many saved searches as it may' },
    },
    handler: async ({ principal, body }) => ({
      status: 201,
      headers: noStore,
      body: await createSavedSearch(ctx, principal, body),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/me/saved-searches/:searchId',
    summary: 'Change a saved search: its name, criteria and e-mail setting (its feed address stays)',
    description: ownerOnly,
    tags,
    access: 'user',
    params: savedSearchParams,
    body: savedSearchInputSchema,
    responses: { 200: { description: 'Saved', schema: savedSearchViewSchema } },
    handler: async ({ principal, params, body }) => ({
      status: 200,
      body: await editSavedSearch(ctx, principal, params.searchId, body),
    }),
  });

  api.add({
    method: 'delete',
    path: '/api/me/saved-searches/:searchId',
    summary: 'Delete a saved search: its feed address answers 404 and its e-mails stop',
    description: ownerOnly,
    tags,
    access: 'user',
    params: savedSearchParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, params }) => {
      await deleteSavedSearch(ctx, principal, params.searchId);
      return { status: 204 };
    },
  });

  api.add({
    method: 'post',
    path: '/api/me/saved-searches/:searchId/feed',
    summary: 'Give a saved search’s feed a new address, shown this once (the old one answers 404 at once)',
    description: `From a signed-in session only (403 with an API token). ${ownerOnly}`,
    tags,
    access: 'user',
    params: savedSearchParams,
    responses: { 200: { description: 'The search with its new feed address', schema: savedSearchViewSchema } },
    handler: async ({ principal, params }) => ({
      status: 200,
      headers: noStore,
      body: await rotateSavedSearchFeed(ctx, principal, params.searchId),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/saved-search-feeds/:token.atom',
    summary: 'A saved search’s Atom feed: the public documents it matches, newest first',
    description:
      'Reached by the secret in its address alone, not by a session: a feed reader polls it. Only what the public pages show. A wrong, replaced or revoked (deleted search) secret is 404.',
    tags,
    access: 'public',
    params: savedSearchFeedParams,
    responses: { 200: { description: 'Atom 1.0', schema: z.string(), contentType: 'application/atom+xml' } },
    handler: async ({ params, res }) => {
      const body = await getSavedSearchFeed(ctx, params.token);
      res
        .status(200)
        .type(atomContentType)
        // The secret is in the address: no shared cache may keep it.
        .setHeader('Cache-Control', 'private, max-age=300')
        .setHeader('Referrer-Policy', 'no-referrer')
        .send(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/saved-searches/unsubscribe',
    summary: 'What a saved search’s unsubscribe link refers to (changes nothing)',
    tags,
    access: 'public',
    query: savedSearchUnsubscribeQuery,
    responses: {
      200: { description: 'The search and whether it still e-mails', schema: savedSearchUnsubscribeSchema },
    },
    handler: async ({ query }) => ({ status: 200, body: await savedSearchUnsubscribeStatus(ctx, query.token) }),
  });

  api.add({
    method: 'post',
    path: '/api/saved-searches/unsubscribe',
    summary: 'Stop one saved search’s e-mail, no sign-in: the signed token is the credential',
    description: 'The feed, the other searches and the CPV subscription stay. Repeating it is harmless.',
    tags,
    access: 'public',
    query: savedSearchUnsubscribeQuery,
    responses: { 200: { description: 'Stopped', schema: savedSearchUnsubscribeSchema } },
    handler: async ({ query, req }) => ({
      status: 200,
      body: await unsubscribeSavedSearch(ctx, query.token, requestMeta(req)),
    }),
  });

  // The page the e-mail's link opens, and the one-click target of its List-Unsubscribe header
  // (RFC 8058: mail providers post `List-Unsubscribe=One-Click` as a form, which /api/ refuses).
  // A GET only shows a button, because mail scanners fetch links.
  api.router.get('/saved-search-unsubscribe', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      const status = await savedSearchUnsubscribeStatus(ctx, token);
      const t = translatorFor(status.locale);
      res
        .type('html')
        .send(
          page(
            status.locale,
            status.email
              ? `<form method="post" action="/saved-search-unsubscribe?token=${encodeURIComponent(token)}"><p>${escapeHtml(t('savedSearch.unsubscribe.ask', { name: status.name }))}</p><button type="submit">${escapeHtml(t('savedSearch.unsubscribe.button'))}</button></form>`
              : `<p>${escapeHtml(t('savedSearch.unsubscribe.done', { name: status.name }))}</p>`,
          ),
        );
    } catch {
      res
        .status(404)
        .type('html')
        .send(page('en', `<p role="alert">${escapeHtml(translatorFor('en')('savedSearch.unsubscribe.invalid'))}</p>`));
    }
  });
  api.router.post(
    '/saved-search-unsubscribe',
    express.urlencoded({ extended: false, limit: '1kb' }),
    async (req, res) => {
      const token = typeof req.query.token === 'string' ? req.query.token : '';
      try {
        const status = await unsubscribeSavedSearch(ctx, token, requestMeta(req));
        const t = translatorFor(status.locale);
        res
          .type('html')
          .send(
            page(
              status.locale,
              `<p role="status">${escapeHtml(t('savedSearch.unsubscribe.done', { name: status.name }))}</p>`,
            ),
          );
      } catch {
        res
          .status(404)
          .type('html')
          .send(
            page('en', `<p role="alert">${escapeHtml(translatorFor('en')('savedSearch.unsubscribe.invalid'))}</p>`),
          );
      }
    },
  );
}
