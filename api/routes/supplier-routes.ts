import express from 'express';
import { z } from 'zod';

import { subscriptionSchema, supplierRegistrationSchema } from '../../domain/suppliers.js';
import { translatorFor } from '../../i18n/index.js';
import { text } from '../../rules/text-policy.js';
import type { ServiceContext } from '../../services/context.js';
import { registerSupplier } from '../../services/suppliers/register-supplier.js';
import { getSubscription, saveSubscription } from '../../services/suppliers/subscription.js';
import {
  subscriptionViewSchema,
  supplierHomeSchema,
  supplierRegistrationReceivedSchema,
  unsubscribeViewSchema,
} from '../../services/suppliers/supplier-contracts.js';
import { getSupplierHome } from '../../services/suppliers/supplier-home.js';
import { unsubscribe, unsubscribeStatus } from '../../services/suppliers/unsubscribe.js';
import { ensureBrowserNonce } from '../authentication.js';
import { escapeHtml, pageLocale, simplePage } from '../html-page.js';
import { mailSendingLimit } from '../rate-limit.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta } from './statement-routes.js';

const tags = ['Suppliers'];

const unsubscribeQuery = z.object({ token: text('line', { min: 1, max: 200, minRule: 'is required' }) });

/** The unsubscribe page, in the language of the link (the recipient's), else the browser's. */
const unsubscribePage = (
  req: express.Request,
  body: (t: ReturnType<typeof translatorFor>, locale: string) => string,
) => {
  const locale = pageLocale(req);
  const t = translatorFor(locale);
  return simplePage(
    locale,
    t('page.unsubscribe.title'),
    `<h1>${escapeHtml(t('page.unsubscribe.heading'))}</h1>${body(t, locale)}`,
  );
};

const invalidLink = (req: express.Request) =>
  unsubscribePage(req, (t) => `<p role="alert">${escapeHtml(t('page.unsubscribe.invalid'))}</p>`);

export function supplierRoutes(
  api: ApiRoutes,
  ctx: ServiceContext,
  options: { registrationRateLimit?: number; secureCookies?: boolean },
): void {
  // Each registration e-mails the address given: limited per client address and per e-mail address.
  api.router.post(
    '/api/suppliers',
    mailSendingLimit(
      ctx,
      'registration',
      'Too many registrations; try again in a few minutes',
      (body) => (body as { user?: { email?: unknown } } | undefined)?.user?.email,
      {
        mailPerIp: options.registrationRateLimit,
      },
    ),
  );
  api.add({
    method: 'post',
    path: '/api/suppliers',
    summary: 'Ask to register a supplier organisation and its first user (no sign-in)',
    description:
      'Always answers 202 at once, whatever the address: the e-mail says what happened. For a new address it carries a link (10 minutes, bound to this browser) ' +
      'that creates the organisation and its user, confirms the address and signs in; until it is followed nothing is registered, so the address stays free ' +
      '(an administrator may still add it to an organisation, and the link then refuses). For an address that has an account, the e-mail says so.',
    tags,
    access: 'public',
    body: supplierRegistrationSchema,
    responses: {
      202: {
        description: 'Received; an e-mail is on its way to the address',
        schema: supplierRegistrationReceivedSchema,
      },
    },
    handler: async ({ body, req, res }) => {
      registerSupplier(ctx, body, ensureBrowserNonce(req, res, options.secureCookies ?? false), requestMeta(req));
      return { status: 202, body: { status: 'check_your_email' as const } };
    },
  });

  api.add({
    method: 'get',
    path: '/api/me/subscription',
    summary: 'The caller’s subscription to demand (supplier users)',
    tags,
    access: 'user',
    responses: { 200: { description: 'The subscription', schema: subscriptionViewSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await getSubscription(ctx, principal) }),
  });

  api.add({
    method: 'get',
    path: '/api/me/supplier-home',
    summary:
      'A supplier user’s start page: subscription, matching open consultations, its consultations, recent statements',
    description: 'Supplier users only (403 for others).',
    tags,
    access: 'user',
    responses: { 200: { description: 'The start page', schema: supplierHomeSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await getSupplierHome(ctx, principal) }),
  });

  api.add({
    method: 'put',
    path: '/api/me/subscription',
    summary: 'Subscribe to demand by CPV prefixes and buyers’ countries (supplier users)',
    description:
      'A CPV prefix is 2 to 8 digits (`45`, `4326`); a full code with trailing zeros means the node above it. No countries: every country. Saving reactivates an unsubscribed address.',
    tags,
    access: 'user',
    body: subscriptionSchema,
    responses: { 200: { description: 'Saved', schema: subscriptionViewSchema } },
    handler: async ({ principal, body }) => ({ status: 200, body: await saveSubscription(ctx, principal, body) }),
  });

  api.add({
    method: 'get',
    path: '/api/unsubscribe',
    summary: 'What an unsubscribe link refers to (changes nothing)',
    tags,
    access: 'public',
    query: unsubscribeQuery,
    responses: {
      200: { description: 'The masked address and whether it is subscribed', schema: unsubscribeViewSchema },
    },
    handler: async ({ query }) => ({ status: 200, body: await unsubscribeStatus(ctx, query.token) }),
  });

  api.add({
    method: 'post',
    path: '/api/unsubscribe',
    summary: 'One-click unsubscribe (RFC 8058), no sign-in: the signed token is the credential',
    description: 'The target of the `List-Unsubscribe` header every supplier e-mail carries. Repeating it is harmless.',
    tags,
    access: 'public',
    query: unsubscribeQuery,
    responses: { 200: { description: 'Unsubscribed', schema: unsubscribeViewSchema } },
    handler: async ({ query, req }) => ({ status: 200, body: await unsubscribe(ctx, query.token, requestMeta(req)) }),
  });

  // The page the link in the e-mail text opens: one button, because a GET must not act (mail
  // scanners fetch links); the button posts to the same one-click endpoint as the header.
  api.router.get('/unsubscribe', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      const status = await unsubscribeStatus(ctx, token);
      const email = escapeHtml(status.email);
      res
        .type('html')
        .send(
          unsubscribePage(req, (t, locale) =>
            status.subscribed
              ? `<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}&amp;lang=${locale}"><p>${t('page.unsubscribe.intro', { email })}</p><button type="submit">${escapeHtml(t('page.unsubscribe.button'))}</button></form>`
              : `<p>${t('page.unsubscribe.notSubscribed', { email })}</p>`,
          ),
        );
    } catch {
      res.status(400).type('html').send(invalidLink(req));
    }
  });
  api.router.post('/unsubscribe', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      const status = await unsubscribe(ctx, token, requestMeta(req));
      const email = escapeHtml(status.email);
      res
        .type('html')
        .send(unsubscribePage(req, (t) => `<p role="status">${t('page.unsubscribe.done', { email })}</p>`));
    } catch {
      res.status(400).type('html').send(invalidLink(req));
    }
  });
}
