import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import { deliveryYear } from './support/sample-input.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, "Need lines from and to spreadsheets": in Chromium, in English on a desktop and in
 * German on a phone, a buyer downloads the template from its needs page, fills it (here with
 * exceljs, as a spreadsheet application would), uploads it with one wrong row and reads the
 * problems per row and column (nothing saved), fixes the row and uploads again: the draft is
 * filled and the page says how many lines; then it downloads its own lines. axe-clean.
 */
describe('need lines from and to spreadsheets, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  const buyers: Partial<Record<WebLocale, Actor>> = {};
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'need-spreadsheet', n: 0 };
  const dir = mkdtempSync(path.join(tmpdir(), 'need-sheet-'));

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    buyers.en = await makeActor(h, { kind: 'buyer', name: `Cork ${tag}`, country: 'IE' });
    buyers.de = await makeActor(h, { kind: 'buyer', name: `Graz ${tag}`, country: 'AT' });
    id = await statementWithSurveyOpen(lead, [buyers.en, buyers.de]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, locale: WebLocale, viewport: 'desktop' | 'phone') {
    const email = `sheet-${locale}-${tag}@sheet.test`;
    await makeUser(h, org.org.id, { email, locale, label: `Sheet ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `Buyer (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  async function download(page: Page, linkName: string): Promise<ExcelJS.Workbook> {
    const href = await page.getByRole('link', { name: linkName }).getAttribute('href');
    const res = await page.request.get(href ?? '');
    expect(res.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await res.body()) as unknown as ArrayBuffer);
    return workbook;
  }

  for (const { locale, viewport, wrong, right, readings, priceHeader } of [
    {
      locale: 'en',
      viewport: 'desktop',
      wrong: '1.500',
      right: '1,500',
      readings: { asDecimal: '1.5', asThousands: '1,500', typeDecimal: '1.5', typeThousands: '1500' },
      priceHeader: 'Estimated unit price',
    },
    {
      locale: 'de',
      viewport: 'phone',
      wrong: '1,500',
      right: '1.500',
      readings: { asDecimal: '1,5', asThousands: '1.500', typeDecimal: '1,5', typeThousands: '1500' },
      priceHeader: 'Geschätzter Stückpreis',
    },
  ] as const) {
    it(`fills the draft from an uploaded sheet, row by row, and exports the buyer’s lines (${locale}, ${viewport})`, async () => {
      const org = buyers[locale]!;
      const person = await personOf(org, locale, viewport);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}/needs`);
        await person.heading(t('needs.title')).waitFor();
        const panel = page.getByRole('region', { name: t('needs.sheet.title') });
        await panel.waitFor();

        // The template, in the page's language, filled with two lines, the second one wrong.
        const template = await download(page, t('needs.sheet.downloadTemplate'));
        const sheet = template.worksheets[0]!;
        expect(sheet.getRow(1).getCell(5).value).toBe(priceHeader);
        sheet.getRow(2).values = ['43260000-3', 'Electric excavator', 2, 'H87', 250000, 'EUR', deliveryYear];
        sheet.getRow(3).values = ['43260000-3', 'Wheel loader', '3', 'H87', wrong, 'EUR', deliveryYear];
        const file = path.join(dir, `needs-${locale}.xlsx`);
        writeFileSync(file, Buffer.from(await template.xlsx.writeBuffer()));

        const input = panel.getByLabel(t('needs.sheet.file'), { exact: true });
        const upload = panel.getByRole('button', { name: t('needs.sheet.upload') });
        // No file chosen: said beside the field.
        await upload.click();
        await panel.getByText(t('needs.sheet.chooseFile')).waitFor();
        await input.setInputFiles(file);
        await upload.click();
        const problems = panel.getByTestId('sheet-problems');
        await problems.waitFor();
        await panel.getByText(t('needs.sheet.problemsTitle', { count: 1 })).waitFor();
        const cells = await problems.locator('tbody tr td').allTextContents();
        expect(cells.map(plain)).toEqual([
          '3',
          priceHeader,
          plain(t('needs.errors.ambiguousNumber', { typed: wrong, ...readings })),
        ]);
        expect((await org.api.get(`/api/statements/${id}/needs/${org.org.id}`)).body.draft).toBeNull();
        await person.visit('a sheet with a wrong row', `${locale}-${viewport}-upload-problems`);

        // Fixed and uploaded again (chosen again: the page asks for it after each answer): the
        // draft holds both lines, and the page says so.
        expect(await input.inputValue()).toBe('');
        sheet.getRow(3).getCell(5).value = right;
        writeFileSync(file, Buffer.from(await template.xlsx.writeBuffer()));
        await input.setInputFiles(file);
        await upload.click();
        await person.status(t('needs.sheet.filled', { count: 2, file: `needs-${locale}.xlsx` })).waitFor();
        expect(await problems.count()).toBe(0);
        const line2 = page.getByRole('group', { name: t('needs.line.title', { n: 2 }) });
        expect(await line2.getByLabel(t('needs.line.description'), { exact: true }).inputValue()).toBe('Wheel loader');
        expect(await line2.getByLabel(t('needs.line.unitPrice'), { exact: true }).inputValue()).toBe('1500');
        expect(await plainText(page.getByTestId('reads-lines[1].unitPrice'))).toContain(
          plain(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(1500)),
        );
        const draft = (await org.api.get(`/api/statements/${id}/needs/${org.org.id}`)).body.draft;
        expect(draft.lines.map((l: { unitPrice: string }) => l.unitPrice)).toEqual(['250000', '1500']);
        await person.visit('the draft filled from the sheet', `${locale}-${viewport}-upload-filled`);

        // The buyer's own lines, in the template's columns.
        const mine = (await download(page, t('needs.sheet.downloadMine'))).worksheets[0]!;
        expect([
          mine.getCell('B2').value,
          mine.getCell('E2').value,
          mine.getCell('B3').value,
          mine.getCell('E3').value,
        ]).toEqual(['Electric excavator', 250000, 'Wheel loader', 1500]);
      } finally {
        await person.close();
      }
    });
  }
});
