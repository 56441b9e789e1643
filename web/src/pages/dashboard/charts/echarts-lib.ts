/**
 * The chart library, as the dashboard uses it: Apache ECharts from `echarts/core` with only the
 * bar and map charts, the components they need and the SVG renderer (crisp at any zoom, text
 * that stays text). Imported with `import()` only (EChart.tsx), so it is a chunk of its own that
 * the dashboard fetches after its first paint; the rest of the application never loads it.
 */
import { BarChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, TooltipComponent, VisualMapPiecewiseComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { Topology } from 'topojson-specification';
import atlasUrl from 'world-atlas/countries-50m.json?url';

import { europeFromTopology, europeMapName } from './europe';

echarts.use([
  BarChart,
  MapChart,
  GridComponent,
  LegendPlainComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
  SVGRenderer,
]);

export { echarts };

let europe: Promise<void> | undefined;

/**
 * Registers the map of Europe with ECharts once, from the world atlas fetched on first use: a
 * hashed asset of the build (compressed, cached for good), not part of any script.
 */
export function registerEurope(): Promise<void> {
  europe ??= fetch(atlasUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`The map of Europe did not load (${response.status})`);
      return response.json() as Promise<Topology>;
    })
    .then(
      (topology) => {
        const geoJson = europeFromTopology(topology);
        echarts.registerMap(europeMapName, geoJson as Parameters<typeof echarts.registerMap>[1]);
      },
      (error: unknown) => {
        europe = undefined;
        throw error;
      },
    );
  return europe;
}
