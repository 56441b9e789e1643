import { z } from 'zod';

import { userForCalendarToken } from '../../db/calendar-feeds.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import {
  calendarFeedDocument,
  deleteCalendarFeedOf,
  getCalendarFeed,
  rotateCalendarFeedOf,
} from '../../services/due/calendar-feed.js';
import { calendarFeedParams, calendarFeedSchema, dueListSchema } from '../../services/due/due-contracts.js';
import { listDue } from '../../services/due/list-due.js';
import { principalOf } from '../authentication.js';
import type { ApiRoutes } from '../route.js';

const tags = ['What is due'];

export function dueRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/me/due',
    summary: 'What is due for the caller: each step on a statement, its deadline and its page',
    description:
      'From the statements the caller’s organisation leads or was invited to (and, for a supplier, the open consultations matching its subscription): the steps the rules let it take now, each with the deadline stored with the statement or agreement. Commission staff and administrators have nothing due.',
    tags,
    access: 'user',
    responses: { 200: { description: 'The caller’s due items', schema: dueListSchema } },
    handler: async ({ principal, res }) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return { status: 200, body: await listDue(ctx, principal) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/me/calendar-feed',
    summary: 'The caller’s personal calendar feed, without its address (404 when there is none)',
    tags,
    access: 'user',
    responses: { 200: { description: 'The feed', schema: calendarFeedSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await getCalendarFeed(ctx, principal) }),
  });

  api.add({
    method: 'post',
    path: '/api/me/calendar-feed',
    summary: 'Make the caller’s personal calendar feed, or give it a new address (the old one stops working)',
    description:
      'The address carries a secret, shown this once; only its SHA-256 is stored. From a signed-in session only (403 with an API token).',
    tags,
    access: 'user',
    responses: { 201: { description: 'The feed and its address', schema: calendarFeedSchema } },
    handler: async ({ principal, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return { status: 201, body: await rotateCalendarFeedOf(ctx, principal) };
    },
  });

  api.add({
    method: 'delete',
    path: '/api/me/calendar-feed',
    summary: 'Delete the caller’s personal calendar feed (its address stops working)',
    tags,
    access: 'user',
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal }) => {
      await deleteCalendarFeedOf(ctx, principal);
      return { status: 204 };
    },
  });

  api.add({
    method: 'get',
    path: '/calendar/:token.ics',
    summary: 'A personal calendar feed (iCalendar): what is due for its owner, each deadline an event',
    description:
      'Reached by the secret in its address alone, not by a session: a calendar application polls it. A wrong, rotated or deleted secret is 404.',
    tags,
    access: 'public',
    params: calendarFeedParams,
    responses: {
      200: { description: 'The feed (RFC 5545, METHOD:PUBLISH)', schema: z.string(), contentType: 'text/calendar' },
    },
    handler: async ({ params, res }) => {
      const owner = await userForCalendarToken(ctx.db, params.token);
      if (!owner) throw new DomainError('not_found', 'No such calendar');
      const body = await calendarFeedDocument(ctx, principalOf(owner, 'api_token'), owner.user.locale);
      res
        .status(200)
        .type('text/calendar; charset=utf-8')
        // The secret is in the address: no shared cache may keep it; a calendar polls at its own pace.
        .setHeader('Cache-Control', 'private, max-age=300')
        .setHeader('Content-Disposition', 'inline; filename="due.ics"')
        .setHeader('Referrer-Policy', 'no-referrer')
        .send(body);
    },
  });
  // Anything else under /calendar/ is no feed either (not the web application's page).
  api.router.get('/calendar/*rest', () => {
    throw new DomainError('not_found', 'No such calendar');
  });
}
