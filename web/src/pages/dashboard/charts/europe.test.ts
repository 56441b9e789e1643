import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { participatingCountries } from '@jointdemand/rules/countries';
import type { Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';

import { europeFromTopology, laea } from './europe';
import { countSteps } from './palette';

const atlas = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-50m.json'), 'utf8'),
) as Topology;

describe('the map of Europe', () => {
  const map = europeFromTopology(atlas);
  const names = map.features.map((f) => f.properties.name);

  it('has every EU and EEA country once, by its alpha-2 code, Malta and Liechtenstein included', () => {
    for (const code of participatingCountries)
      expect(
        names.filter((n) => n === code),
        code,
      ).toHaveLength(1);
    expect(names.filter((n) => !n.startsWith('other-') && n.length !== 2)).toEqual([]);
  });

  it('draws Cyprus as the whole island and leaves the rest of the world out', () => {
    const cyprus = map.features.find((f) => f.properties.name === 'CY')!;
    // The island reaches 34.6°E at Cape Apostolos Andreas, in the north.
    const lons = JSON.stringify(cyprus.geometry)
      .match(/\[(3[2-4]\.\d+),/g)!
      .map((m) => Number(m.slice(1, -1)));
    expect(Math.max(...lons)).toBeGreaterThan(34.4);
    expect(map.features.length).toBeLessThan(90);
    expect(map.features.length).toBeGreaterThan(40);
  });

  it('projects with ETRS89-LAEA and back', () => {
    for (const point of [
      [10, 52],
      [-22, 64],
      [33, 35],
      [25, 68],
    ]) {
      const [lon, lat] = laea.unproject(laea.project(point));
      expect(lon).toBeCloseTo(point[0]!, 9);
      expect(lat).toBeCloseTo(point[1]!, 9);
    }
    // North is up on the screen: Helsinki above Athens.
    expect(laea.project([25, 60])[1]!).toBeLessThan(laea.project([24, 38])[1]!);
  });
});

describe('the map legend steps', () => {
  it('cover 1…max in up to five ranges', () => {
    expect(countSteps(0)).toEqual([]);
    expect(countSteps(2).map((s) => [s.min, s.max])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(countSteps(10).map((s) => [s.min, s.max])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    expect(countSteps(7).map((s) => [s.min, s.max])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [5, 5],
      [6, 7],
    ]);
  });
});
