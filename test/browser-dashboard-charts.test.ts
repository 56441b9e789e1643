import { randomUUID } from 'node:crypto';

import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chartColours } from '../web/src/pages/dashboard/charts/palette.js';
import { launchBrowser, signInWithMail, viewports } from './support/browser.js';
import {
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { moneyPattern, Person, plain, plainText, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/** The fills of the chart's drawn shapes (paths), lower-case hex as ECharts writes them. */
async function fills(chart: Locator): Promise<string[]> {
  return chart.evaluate((box) =>
    [...box.querySelectorAll('svg path')].map((p) => (p.getAttribute('fill') ?? '').toLowerCase()),
  );
}

/** The text the chart draws in its SVG (axis names, figures, legend). */
async function svgText(chart: Locator): Promise<string> {
  return chart.evaluate((box) =>
    [...box.querySelectorAll('svg text')]
      .map((e) => e.textContent ?? '')
      .join(' | ')
      .replace(/[\s\u00a0\u202f]+/g, ' '),
  );
}

const hex = (colour: string) => colour.toLowerCase();

/**
 * Issue 19, "Commission dashboard: a chart library for stages, volume by CPV division (named),
 * countries on a map of Europe". The dashboard drew its charts as lists of <meter>s; they are now
 * ECharts SVG charts: pilots by stage (following the stage filter, which it did not), the value
 * by CPV division named in the reader's language, and the participating buyers per EU/EEA country
 * on a map of Europe. Each is named for screen readers by a summary of its figures, with the
 * same figures in a table. In English, French and German (axe, no untranslated text) and on a
 * phone (no sideways scrolling). On a database of its own, so every pilot is this file's.
 */
describe('the Commission dashboard charts', () => {
  let h: Harness;
  let browser: Browser;
  const people = new Map<WebLocale | 'phone', Person>();
  const tag = randomUUID().slice(0, 6);
  const title = `Electric excavators ${tag}`;
  const grouping = `Zero-emission sites ${tag}`;
  /** Three buyers, each 2 × 450,000 EUR in division 43: a division value Commission staff may see. */
  const divisionValue = 3 * 2 * 450_000;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    const lead = await makeActor(
      h,
      { kind: 'buyer', name: `City of Helsinki ${tag}`, country: 'FI' },
      { label: 'lead' },
    );
    const others: Actor[] = [];
    for (const [name, country] of [
      [`City of Oslo ${tag}`, 'NO'],
      [`City of Copenhagen ${tag}`, 'DK'],
    ] as const)
      others.push(await makeActor(h, { kind: 'buyer', name, country }, { label: country }));
    const id = (await lead.api.post('/api/statements', statementDetails({ title, criticalMass: { minBuyers: 3 } })))
      .body.id;
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: others.map((o) => o.org.id) });
    for (const o of others) await o.api.post(`/api/statements/${id}/invitation/accept`);
    await lead.api.put(`/api/statements/${id}/grouping`, { kind: 'working_group', name: grouping, sector: '43' });
    await lead.api.post(`/api/statements/${id}/needs-assessment/open`);
    const versions: [Actor, string][] = [];
    for (const a of [lead, ...others]) {
      await a.api.put(`/api/statements/${id}/needs/draft`, {
        lines: [needLine({ quantity: '2', unitPrice: '450000' })],
        answers: {},
      });
      versions.push([a, (await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
    }
    await lead.api.post(`/api/statements/${id}/close-stage`);
    for (const [a, versionId] of versions) await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId });
    await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body.stage === 'market_engagement',
      90_000,
      'market engagement',
    );
    // A second pilot, Helsinki's alone, still a draft.
    await lead.api.post('/api/statements', statementDetails({ title: `School meals ${tag}` }));

    const commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });
    for (const [key, locale, viewport] of [
      ['en', 'en', 'desktop'],
      ['fr', 'fr', 'desktop'],
      ['de', 'de', 'desktop'],
      ['phone', 'en', 'phone'],
    ] as const) {
      const user = await makeUser(h, commission.org.id, {
        label: `Staff ${key} ${tag}`,
        email: `staff-${key}-${tag}@commission.test`,
        locale,
      });
      const person = await Person.open(browser, h, {
        name: `Commission staff (${key})`,
        email: user.email,
        locale,
        viewport,
        shots: { prefix: `dashboard-charts-${key}`, n: 0 },
      });
      await signInWithMail(person.page, h, user.email, { locale });
      people.set(key, person);
    }
  }, 240_000);

  afterAll(async () => {
    for (const p of people.values()) await p.close();
    await browser?.close();
    await h?.close();
  });

  const charts = (staff: Person) => ({
    stage: staff.page.getByTestId('chart-by-stage'),
    division: staff.page.getByTestId('chart-by-division'),
    country: staff.page.getByTestId('chart-by-country'),
  });

  /** Opens the dashboard at `query` and waits for the three charts to be drawn. */
  async function open(staff: Person, query = '') {
    await staff.page.goto(`/dashboard${query}`);
    await staff.heading(staff.t('dashboard.title')).waitFor();
    const c = charts(staff);
    // The bars in the bar colour; the map, which comes with the atlas, with its thirty countries and more.
    for (const chart of [c.stage, c.division])
      await expect.poll(() => fills(chart), { timeout: 30_000 }).toContain(hex(chartColours.bar));
    await expect.poll(async () => (await fills(c.country)).length, { timeout: 30_000 }).toBeGreaterThan(40);
    return c;
  }

  for (const locale of ['en', 'fr', 'de'] as const) {
    it(`draws the three charts with ECharts as SVG, named and tabled in the reader's language (${locale})`, async () => {
      const staff = people.get(locale)!;
      const t = staff.t;
      const c = await open(staff);

      // Pilots by stage: both stages, in words, in the SVG and in the table.
      const stageLabel = (await c.stage.getAttribute('aria-label')) ?? '';
      expect(await c.stage.getAttribute('role')).toBe('img');
      for (const stage of ['market_engagement', 'draft'] as const) {
        expect(plain(stageLabel)).toContain(
          plain(t('dashboard.chart.item', { name: t(`stage.${stage}`), value: '1' })),
        );
        expect(await svgText(c.stage)).toContain(t(`stage.${stage}`));
      }
      expect(await plainText(staff.page.getByTestId('by-stage-figures'))).toContain(t('stage.market_engagement'));
      // No stage filter: no stage is greyed.
      expect(await fills(c.stage)).not.toContain(hex(chartColours.outside));
      expect(await fills(c.stage)).toContain(hex(chartColours.bar));

      // Value by CPV division, the division named in the reader's language, figures as money.
      const divisions = (await (
        await staff.page.request.get(`/api/reference/cpv/divisions?lang=${locale}`)
      ).json()) as { code: string; label: string; labelLang?: string }[];
      const d43 = divisions.find((d) => d.code.startsWith('43'))!;
      expect(d43.labelLang ?? locale).toBe(locale);
      const divisionName = `43 ${d43.label}`;
      const divisionLabel = plain((await c.division.getAttribute('aria-label')) ?? '');
      expect(divisionLabel).toContain(plain(divisionName));
      expect(divisionLabel).toMatch(moneyPattern(locale, divisionValue));
      const divisionTable = await plainText(staff.page.getByTestId('by-division-figures'));
      expect(divisionTable).toContain(plain(divisionName));
      expect(divisionTable).toMatch(moneyPattern(locale, divisionValue));
      // The axis shows the name's start (long names are cut short), the bar its figure.
      expect(await svgText(c.division)).toContain(divisionName.slice(0, 8));
      expect(await svgText(c.division)).toMatch(moneyPattern(locale, divisionValue));

      // Participating buyers on the map of Europe: Finland, Norway and Denmark, one buyer each.
      const names = new Intl.DisplayNames([locale], { type: 'region' });
      const countryLabel = plain((await c.country.getAttribute('aria-label')) ?? '');
      const countryTable = await plainText(staff.page.getByTestId('by-country-figures'));
      for (const code of ['FI', 'NO', 'DK']) {
        expect(countryLabel).toContain(plain(t('dashboard.chart.item', { name: names.of(code), value: '1' })));
        expect(countryTable).toContain(names.of(code));
      }
      expect(countryTable).not.toContain(names.of('SE'));
      // One step (max 1 buyer): the three countries in its colour, the other 27 EU/EEA in pale blue.
      const mapFills = await fills(c.country);
      const step = hex(chartColours.steps.at(-1)!);
      expect(mapFills.filter((f) => f === step)).toHaveLength(3 + 1); // and the legend's swatch
      expect(mapFills.filter((f) => f === hex(chartColours.none)).length).toBeGreaterThanOrEqual(27);
      expect(mapFills.filter((f) => f === hex(chartColours.other)).length).toBeGreaterThan(5);

      await staff.visit(`dashboard charts (${locale})`, 'charts');
    });
  }

  it('follows the stage filter in the address: the chosen stage in colour, the others grey, said in words', async () => {
    for (const locale of ['en', 'fr', 'de'] as const) {
      const staff = people.get(locale)!;
      const t = staff.t;
      const c = await open(staff, '?stage=market_engagement');
      await staff.status(t('dashboard.count', { count: 1 })).waitFor();
      expect(await plainText(staff.page.getByTestId('by-stage-filtered'))).toBe(
        plain(t('dashboard.chart.stageFiltered', { stage: t('stage.market_engagement'), count: 1 })),
      );
      await expect.poll(() => fills(c.stage)).toContain(hex(chartColours.outside));
      expect(await fills(c.stage)).toContain(hex(chartColours.bar));
      const text = await svgText(c.stage);
      expect(text).toContain(t('dashboard.chart.matching'));
      expect(text).toContain(t('dashboard.chart.outsideStage'));
      expect(plain((await c.stage.getAttribute('aria-label')) ?? '')).toContain(
        plain(
          t('dashboard.chart.stageSummaryFiltered', { stage: t('stage.market_engagement'), list: '' }).split(':')[0]!,
        ),
      );
      const current = staff.page.getByTestId('by-stage-figures').locator('tr[aria-current="true"]');
      expect(await plainText(current)).toContain(t('stage.market_engagement'));
      await staff.visit(`dashboard charts, stage filter (${locale})`, 'stage-filter');
    }
  });

  it('follows the other filters: Norway leaves only the pilot Oslo takes part in', async () => {
    const staff = people.get('en')!;
    const t = staff.t;
    const c = await open(staff, '?country=NO');
    await staff.status(t('dashboard.count', { count: 1 })).waitFor();
    const label = (await c.stage.getAttribute('aria-label')) ?? '';
    expect(label).toContain(t('stage.market_engagement'));
    expect(label).not.toContain(t('stage.draft'));
    expect(await svgText(c.stage)).not.toContain(t('stage.draft'));
  });

  it('fits a phone: every chart as wide as the screen at most, no sideways scrolling', async () => {
    const staff = people.get('phone')!;
    const c = await open(staff);
    for (const [name, chart] of Object.entries(c)) {
      const width = await chart.evaluate((box) => box.querySelector('svg')!.getBoundingClientRect().right);
      expect(width, name).toBeLessThanOrEqual(viewports.phone.width);
    }
    await staff.visit('dashboard charts on a phone', 'phone');
  });
});
