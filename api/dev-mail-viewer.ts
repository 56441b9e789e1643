import { Router } from 'express';

import type { CaptureServer } from '../mail/capture-server.js';
import { isDirectLoopbackRequest, isLoopbackHostname, parseHostHeader } from './host-allow-list.js';
import { escapeHtml } from './html-page.js';

const linkify = (s: string) => escapeHtml(s).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

/**
 * /dev/mail: what the development SMTP capture received, newest first, live sign-in links
 * included. Mounted only by the dev runner, and only while its capture server runs; never with
 * `NODE_ENV=production`. It answers only the developer's own machine: a request whose TCP peer is
 * loopback, that no proxy forwarded (`X-Forwarded-For`, `Forwarded`), and whose `Host` is a
 * loopback name, so neither another machine nor a DNS-rebinding page (its own name in `Host`) can
 * read it. Anything else is 404, as if it did not exist.
 */
export function devMailViewer(capture: CaptureServer, options: { nodeEnv: string }): Router {
  const router = Router();
  if (options.nodeEnv === 'production') return router;
  router.use(['/dev/mail', '/dev/mail.json'], (req, res, next) => {
    const host = parseHostHeader(req.headers.host ?? '');
    if (!isDirectLoopbackRequest(req) || !host || !isLoopbackHostname(host.hostname)) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  });
  router.get('/dev/mail', (_req, res) => {
    const items = [...capture.messages]
      .reverse()
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p><strong>To:</strong> ${escapeHtml(m.to.join(', '))} · <time datetime="${m.receivedAt.toISOString()}">${m.receivedAt.toISOString()}</time></p>
<pre>${linkify(m.text)}</pre></article>`,
      )
      .join('\n');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Captured mail · jointdemand (development)</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ccc;padding:1rem 0}pre{white-space:pre-wrap}</style>
</head><body><main><h1>Captured mail (${capture.messages.length})</h1>
<p>Every e-mail the product sent while running in development. Nothing leaves this machine.</p>${items || '<p>No mail yet.</p>'}</main></body></html>`);
  });
  router.get('/dev/mail.json', (_req, res) => {
    res.json(capture.messages);
  });
  return router;
}
