import { deleteCalendarFeed, findCalendarFeed, rotateCalendarFeed } from '../../db/calendar-feeds.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { dueCalendar } from '../../mail/calendar.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import type { CalendarFeedView } from './due-contracts.js';
import { dueItemsOf } from './list-due.js';

function requireSession(principal: Principal): void {
  // As for API tokens: a leaked token must not be able to mint a secret of another kind.
  if (principal.via !== 'session')
    throw new DomainError('forbidden', 'The calendar feed is managed from a signed-in session');
}

export function calendarFeedUrl(publicUrl: string, token: string): string {
  return new URL(`/calendar/${token}.ics`, publicUrl).toString();
}

/** The caller's feed, without its address (only its SHA-256 is stored); 404 when it has none. */
export async function getCalendarFeed(ctx: ServiceContext, principal: Principal): Promise<CalendarFeedView> {
  const feed = await findCalendarFeed(ctx.db, principal.userId);
  if (!feed) throw new DomainError('not_found', 'No calendar feed; make one first');
  return { url: null, createdAt: iso(feed.created_at)!, lastUsedAt: iso(feed.last_used_at) };
}

/** Makes the caller's feed, or a new address for it (the old one stops working at once); shown once. */
export async function rotateCalendarFeedOf(ctx: ServiceContext, principal: Principal): Promise<CalendarFeedView> {
  requireSession(principal);
  const { token, createdAt } = await rotateCalendarFeed(ctx.db, principal.userId);
  return { url: calendarFeedUrl(ctx.config.PUBLIC_URL, token), createdAt: createdAt.toISOString(), lastUsedAt: null };
}

export async function deleteCalendarFeedOf(ctx: ServiceContext, principal: Principal): Promise<void> {
  requireSession(principal);
  if (!(await deleteCalendarFeed(ctx.db, principal.userId))) throw new DomainError('not_found', 'No calendar feed');
}

/** The feed's document: exactly the owner's due items with a deadline, in the owner's language. */
export async function calendarFeedDocument(ctx: ServiceContext, principal: Principal, locale: string): Promise<string> {
  const now = Date.now();
  const items = await dueItemsOf(ctx, principal, now);
  return dueCalendar(items, { locale, publicUrl: ctx.config.PUBLIC_URL, stamp: new Date(now) });
}
