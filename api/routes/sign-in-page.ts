import type { Router } from 'express';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page a sign-in link opens. It asks for a click before using the token, because mail
 * scanners fetch links: a GET must never spend the one-time token.
 */
export function signInPage(router: Router): void {
  router.get('/sign-in/verify', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · jointdemand</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1.1rem;padding:.6rem 1.4rem;background:#003399;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible{outline:3px solid #ffcc00;outline-offset:2px}</style></head>
<body><main><h1>Sign in to jointdemand</h1>
${token ? `<form method="post" action="/api/auth/verify"><input type="hidden" name="token" value="${escapeHtml(token)}">
<p>Continue to sign in with the link from your e-mail.</p><button type="submit">Sign in</button></form>` : '<p role="alert">This link has no sign-in token. Ask for a new link.</p>'}
</main></body></html>`);
  });
}
