import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, startHarness } from './support/harness.js';

/**
 * Issue 18, "Words everywhere": the CPV search finds codes by the words of any of the 24 EU
 * languages, accents and case aside, ranks them as a person expects, labels them in the viewer's
 * language and answers no match with an empty list.
 */
describe('CPV search in the 24 EU languages', () => {
  let h: Harness;
  let anyone: ApiClient;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
    anyone = new ApiClient(h.baseUrl);
  });
  afterAll(async () => h?.close());

  const search = (q: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    anyone.get<{ code: string; label: string; labelLang: string; matchedLang?: string; matchedLabel?: string }[]>(
      `/api/reference/cpv?${new URLSearchParams({ q, ...query })}`,
      headers,
    );

  it('loads every label of every language', async () => {
    const n = await h.db
      .selectFrom('cpv_labels')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(24 * 9454);
  });

  it('finds trucks for "camion" in any language of the interface, labelled in it', async () => {
    for (const lang of ['en', 'fr', 'de']) {
      const res = await search('camion', { lang });
      expect(res.status).toBe(200);
      expect(res.body.map((c) => c.code)).toEqual(expect.arrayContaining(['34133000', '34134000']));
      expect(res.body.every((c) => c.labelLang === lang)).toBe(true);
    }
    const fr = await search('CAMION', { lang: 'fr' });
    expect(fr.body[0]).toMatchObject({ labelLang: 'fr', matchedLang: 'fr' });
    expect(fr.body.find((c) => c.code === '34133000')?.label).toBe('Camions articulés');
    const en = await search('camion', { lang: 'en' });
    const articulated = en.body.find((c) => c.code === '34133000')!;
    expect(articulated.label).toBe('Articulated trucks');
    expect(articulated.matchedLang).not.toBe('en');
    expect(articulated.matchedLabel).toMatch(/camion/i);
  });

  it('finds excavators for the German "Bagger", whole words first', async () => {
    const de = await search('Bagger', { lang: 'de' });
    expect(de.body.slice(0, 3).map((c) => c.code)).toEqual(['43260000', '42420000', '43262100']);
    expect(de.body[0]!.label).toBe('Löffelbagger, Bagger und Schaufellader sowie Bergbaumaschinen');
    const en = await search('bagger', { lang: 'en' });
    expect(en.body[0]).toMatchObject({ code: '43260000', labelLang: 'en', matchedLang: 'de' });
    expect(en.body[0]!.label).toMatch(/excavators/);
  });

  it('ranks excavating machinery above dental excavators', async () => {
    const res = await search('excavator', { lang: 'en' });
    const codes = res.body.map((c) => c.code);
    expect(codes[0]).toBe('43260000');
    expect(codes.indexOf('43262100')).toBeGreaterThanOrEqual(0);
    expect(codes.indexOf('43262100')).toBeLessThan(codes.indexOf('33131124'));
    expect(codes.indexOf('43260000')).toBeLessThan(codes.indexOf('33131120'));
  });

  it('ignores accents and case', async () => {
    const plain = await search('pelles mecaniques', { lang: 'fr' });
    const accented = await search('PELLES MÉCANIQUES', { lang: 'fr' });
    expect(plain.body.map((c) => c.code)).toEqual(accented.body.map((c) => c.code));
    expect(plain.body[0]).toMatchObject({
      code: '43260000',
      label: 'Pelles mécaniques, excavateurs, chouleurs et machines de mines',
    });
  });

  it('takes the language from Accept-Language when none is asked for, English by default', async () => {
    const de = await search('43262100', {}, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(de.body).toEqual([{ code: '43262100', checkDigit: '8', label: 'Mechanische Bagger', labelLang: 'de' }]);
    const none = await search('43262100');
    expect(none.body[0]).toMatchObject({ label: 'Mechanical excavators', labelLang: 'en' });
    expect((await search('43262100', { lang: 'fi' })).body[0]!.labelLang).toBe('fi');
    expect((await search('43262100', { lang: 'xx' })).status).toBe(400);
  });

  it('answers no match with an empty list', async () => {
    const res = await search('xyzzyq', { lang: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect((await search('%_', { lang: 'fr' })).body).toEqual([]);
  });

  it('lists the divisions, labelled in the language asked for', async () => {
    const res = await anyone.get<{ code: string; label: string; labelLang: string }[]>(
      '/api/reference/cpv/divisions?lang=de',
    );
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(45);
    expect(res.body.find((d) => d.code === '45000000')).toMatchObject({ label: 'Bauarbeiten', labelLang: 'de' });
    expect(res.body.every((d) => /^\d{2}000000$/.test(d.code))).toBe(true);
  });

  it('finds units by their French and German names too', async () => {
    for (const q of ['pièce', 'Stück', 'piece', 'TONNEN'])
      expect(
        (await anyone.get<{ code: string }[]>(`/api/reference/units?q=${encodeURIComponent(q)}`)).body[0]?.code,
        q,
      ).toBe(q === 'TONNEN' ? 'TNE' : 'H87');
  });
});
