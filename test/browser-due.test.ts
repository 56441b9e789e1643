import { randomUUID } from 'node:crypto';

import ICAL from 'ical.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setStageDeadline } from '../db/statements.js';
import { countdown } from '../web/src/pages/due/countdown.js';
import { launchBrowser, signInWithMail, viewports } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness, statementDetails } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { surveyOfEveryType } from './support/sample-input.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * Issue 18, "Participants are not told what to do": a "what is due" page for every user with
 * live countdowns, and calendars. In Chromium, in English, French (on a phone) and German, each
 * in a time zone of its own: an invited buyer opens "What is due" from the navigation, reads its
 * two invitations soonest first (one overdue, one in three days), each with its countdown, the
 * deadline in its own time zone and a link to the statement; it makes its calendar address on
 * the account page and the address serves exactly those deadlines. Commission staff see the
 * empty state. axe-clean and translated throughout.
 */
describe('what is due, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let invitee: Actor;
  let joined: Actor;
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'due', n: 0 };
  const soon = { id: '', title: `Electric excavators ${tag}`, deadline: 0 };
  const late = { id: '', title: `Zero-emission wheel loaders ${tag}`, deadline: 0 };

  /** A statement of the lead's in its needs assessment, the invitee invited (not yet answered). */
  async function invitedTo(title: string, deadline: number): Promise<string> {
    const id = (await lead.api.post('/api/statements', { ...statementDetails(), title })).body.id as string;
    expect((await lead.api.put(`/api/statements/${id}/survey`, { questions: surveyOfEveryType })).status).toBe(200);
    const invited = await lead.api.post(`/api/statements/${id}/invitations`, {
      organisationIds: [invitee.org.id, joined.org.id],
    });
    expect(invited.status).toBeLessThan(300);
    // The needs assessment opens once one buyer joined besides the lead.
    expect((await joined.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
    const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(deadline).toISOString(),
    });
    expect(opened.body.stage, JSON.stringify(opened.body)).toBe('needs_assessment');
    return id;
  }

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ worker: true });
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    invitee = await makeActor(h, { kind: 'buyer', name: `København ${tag}`, country: 'DK' }, { roles: ['signatory'] });
    joined = await makeActor(
      h,
      { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' },
      { roles: ['signatory'] },
    );
    late.deadline = Date.now() + 3 * day + 4 * hour + 30 * minute;
    late.id = await invitedTo(late.title, late.deadline);
    soon.id = await invitedTo(soon.title, Date.now() + 5 * day);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A new person of `org`, signed in through the mail link, in `locale`, in `timeZone`. */
  async function personOf(org: Actor, who: string, locale: WebLocale, timeZone: string, viewport: 'desktop' | 'phone') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@due.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, roles: ['signatory'] });
    const context = await browser.newContext({
      viewport: viewports[viewport],
      locale: { en: 'en-GB', fr: 'fr-FR', de: 'de-DE' }[locale],
      timezoneId: timeZone,
      baseURL: h.baseUrl,
      bypassCSP: true,
    });
    context.setDefaultTimeout(Number(process.env.BROWSER_TIMEOUT_MS ?? 60_000));
    const person = new Person(`${who} (${locale})`, email, await context.newPage(), locale, viewport, shots);
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport, timeZone] of [
    ['en', 'desktop', 'America/New_York'],
    ['fr', 'phone', 'Europe/Paris'],
    ['de', 'desktop', 'Asia/Tokyo'],
  ] as const) {
    it(`lists what is due with live countdowns, soonest first, and makes a calendar address (${locale}, ${viewport})`, async () => {
      // The stored deadline of one invitation passed two hours ago (the stage has not closed yet).
      soon.deadline = Date.now() - 2 * hour - 5 * minute;
      await setStageDeadline(h.db, soon.id, new Date(soon.deadline));

      const person = await personOf(invitee, 'Invited buyer', locale, timeZone, viewport);
      const { page, t } = person;
      try {
        if (viewport === 'desktop') {
          await page.goto('/statements');
          await page
            .getByRole('navigation', { name: t('header.navigation') })
            .getByRole('link', { name: t('due.nav') })
            .click();
        } else {
          await page.goto('/due');
        }
        await person.heading(t('due.title')).waitFor();
        const list = page.getByRole('list', { name: t('due.listLabel') });
        const items = list.getByRole('listitem');
        await expect.poll(() => items.count()).toBe(2);

        const clock = new Intl.DateTimeFormat('en-GB', {
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          timeZone,
        });
        const dayOfMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', timeZone });
        for (const [i, s] of [soon, late].entries()) {
          const item = items.nth(i);
          expect(await plainText(item)).toContain(s.title);
          const link = item.getByRole('link', { name: t('due.kinds.answerInvitation') });
          expect(await link.getAttribute('href')).toBe(`/statements/${s.id}`);
          const time = item.locator('time');
          expect(await time.getAttribute('datetime')).toBe(new Date(Math.floor(s.deadline)).toISOString());
          // In the viewer's time zone (the day and the 24-hour time there), whatever the date style.
          const shownAt = plain(await time.innerText());
          expect(shownAt).toContain(clock.format(s.deadline));
          expect(shownAt).toContain(dayOfMonth.format(s.deadline));
          const shown = plain(await item.getByTestId('countdown').innerText());
          const now = Date.now();
          const expected = [now, now - minute].map((at) => {
            const c = countdown(s.deadline, at, locale);
            return plain(c.overdue ? t('due.overdueBy', { duration: c.text }) : c.text);
          });
          expect(expected).toContain(shown);
        }
        expect(plain(await items.nth(1).getByTestId('countdown').innerText())).toBe(
          plain(countdown(late.deadline, Date.now(), locale).text),
        );
        await person.visit('what is due', `${locale}-${viewport}-due`);

        // The countdown moves on by itself, once a minute.
        const before = await items.nth(0).getByTestId('countdown').innerText();
        await page.clock.install({ time: Date.now() });
        await page.reload();
        await items.nth(0).waitFor();
        await page.clock.fastForward(3 * hour);
        await expect
          .poll(async () => plain(await items.nth(0).getByTestId('countdown').innerText()))
          .not.toBe(plain(before));
        const pageNow = await page.evaluate(() => Date.now());
        expect(
          [pageNow, pageNow - minute].map((at) =>
            plain(t('due.overdueBy', { duration: countdown(soon.deadline, at, locale).text })),
          ),
        ).toContain(plain(await items.nth(0).getByTestId('countdown').innerText()));

        // The calendar address, made on the account page.
        await page.goto('/account');
        await page.getByRole('button', { name: t('due.feed.create') }).click();
        await person.status(t('due.feed.created')).waitFor();
        const address = await page.getByLabel(t('due.feed.urlLabel')).inputValue();
        await person.visit('account page with a calendar address', `${locale}-${viewport}-calendar`);
        const feed = await fetch(new URL(new URL(address).pathname, h.baseUrl));
        expect(feed.status).toBe(200);
        const uids = new ICAL.Component(ICAL.parse(await feed.text()))
          .getAllSubcomponents('vevent')
          .map((e) => String(e.getFirstPropertyValue('uid')).split('@')[0])
          .sort();
        expect(uids).toEqual([`${soon.id}.answerInvitation`, `${late.id}.answerInvitation`].sort());
        await expect.poll(() => page.getByRole('button', { name: t('due.feed.rotate') }).count()).toBe(1);
      } finally {
        await person.close();
      }
    });
  }

  it('shows Commission staff that nothing is due from them (en, desktop)', async () => {
    const commission = await makeActor(h, { kind: 'commission', country: 'BE', name: `DG GROW ${tag}` });
    const person = await personOf(commission, 'Commission staff', 'en', 'Europe/Brussels', 'desktop');
    try {
      await person.page.goto('/due');
      await person.heading(person.t('due.title')).waitFor();
      await person.page.getByText(person.t('due.empty')).waitFor();
      await person.visit('nothing due', 'en-desktop-empty');
    } finally {
      await person.close();
    }
  });
});
