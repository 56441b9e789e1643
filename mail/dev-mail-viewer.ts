import { Router } from 'express';
import type { CaptureServer } from './capture-server.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const linkify = (s: string) => escapeHtml(s).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

/** /dev/mail: what the development SMTP capture received, newest first. Mounted only by the dev runner. */
export function devMailViewer(capture: CaptureServer): Router {
  const router = Router();
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
