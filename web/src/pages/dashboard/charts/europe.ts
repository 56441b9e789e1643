/**
 * The map of Europe the dashboard colours: Natural Earth's 1:50m countries from `world-atlas`
 * (TopoJSON keyed by ISO 3166-1 numeric codes; 1:50m because 1:110m has no Malta and no
 * Liechtenstein), turned into GeoJSON with `topojson-client`. The EU and EEA countries are named
 * by their alpha-2 codes (the codes the API uses); every other country in view is context only.
 */
import { participatingCountries } from '@jointdemand/rules/countries';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature, merge } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export const europeMapName = 'jointdemand-europe';

/** ISO 3166-1 numeric → alpha-2, for the thirty EU and EEA countries. */
export const participatingNumeric: Record<string, (typeof participatingCountries)[number]> = {
  '040': 'AT',
  '056': 'BE',
  '100': 'BG',
  '196': 'CY',
  '203': 'CZ',
  '276': 'DE',
  '208': 'DK',
  '233': 'EE',
  '724': 'ES',
  '246': 'FI',
  '250': 'FR',
  '300': 'GR',
  '191': 'HR',
  '348': 'HU',
  '372': 'IE',
  '380': 'IT',
  '440': 'LT',
  '442': 'LU',
  '428': 'LV',
  '470': 'MT',
  '528': 'NL',
  '616': 'PL',
  '620': 'PT',
  '642': 'RO',
  '752': 'SE',
  '705': 'SI',
  '703': 'SK',
  '352': 'IS',
  '438': 'LI',
  '578': 'NO',
};

/** What the map shows, as [west, south, east, north] in degrees: Iceland to Cyprus, Portugal to Finland. */
export const europeView = { west: -25, south: 34, east: 45, north: 71.5 };

/** The name a region of the map goes by: the alpha-2 code of an EU/EEA country, else `other-…`. */
export const otherRegion = (index: number) => `other-${index}`;

type CountryProperties = { name: string };

function bbox(geometry: Geometry): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if ('coordinates' in geometry) visit(geometry.coordinates);
  return box;
}

const inView = ([west, south, east, north]: [number, number, number, number]) =>
  west <= europeView.east && east >= europeView.west && south <= europeView.north && north >= europeView.south;

/**
 * The countries in view as GeoJSON, each feature's `name` its alpha-2 code (EU/EEA) or
 * `other-<n>`. Cyprus is the whole island, as the EU counts it: Natural Earth draws the north
 * apart ("N. Cyprus", no ISO code), and the two are merged into one region here.
 */
export function europeFromTopology(topology: Topology): FeatureCollection<Geometry, CountryProperties> {
  const countries = topology.objects.countries as GeometryCollection<CountryProperties>;
  const northCyprus = countries.geometries.find(
    (g) => g.id === undefined && (g.properties as CountryProperties | undefined)?.name === 'N. Cyprus',
  );
  const features: Feature<Geometry, CountryProperties>[] = [];
  countries.geometries.forEach((g, index) => {
    if (g === northCyprus) return;
    const code = g.id === undefined ? undefined : participatingNumeric[String(g.id)];
    const geometry: Geometry =
      code === 'CY' && northCyprus
        ? merge(topology, [g, northCyprus] as Parameters<typeof merge>[1])
        : (feature(topology, g) as Feature<Geometry, CountryProperties>).geometry;
    if (!geometry || !inView(bbox(geometry))) return;
    features.push({ type: 'Feature', properties: { name: code ?? otherRegion(index) }, geometry });
  });
  return { type: 'FeatureCollection', features };
}

/**
 * ETRS89 Lambert azimuthal equal-area (EPSG:3035, on the sphere), centred on 52°N 10°E: the
 * projection the EU's statistical maps use, where each country keeps its true area. ECharts
 * wants screen coordinates (y down); `unproject` inverts `project`.
 */
const lat0 = (52 * Math.PI) / 180;
const lon0 = (10 * Math.PI) / 180;
export const laea = {
  project([lon, lat]: number[]): number[] {
    const l = ((lon ?? 0) * Math.PI) / 180 - lon0;
    const p = ((lat ?? 0) * Math.PI) / 180;
    const k = Math.sqrt(2 / (1 + Math.sin(lat0) * Math.sin(p) + Math.cos(lat0) * Math.cos(p) * Math.cos(l)));
    return [
      k * Math.cos(p) * Math.sin(l),
      -k * (Math.cos(lat0) * Math.sin(p) - Math.sin(lat0) * Math.cos(p) * Math.cos(l)),
    ];
  },
  unproject([x = 0, screenY = 0]: number[]): number[] {
    const y = -screenY;
    const rho = Math.hypot(x, y);
    if (rho === 0) return [(lon0 * 180) / Math.PI, (lat0 * 180) / Math.PI];
    const c = 2 * Math.asin(Math.min(1, rho / 2));
    const lat = Math.asin(Math.cos(c) * Math.sin(lat0) + (y * Math.sin(c) * Math.cos(lat0)) / rho);
    const lon =
      lon0 + Math.atan2(x * Math.sin(c), rho * Math.cos(lat0) * Math.cos(c) - y * Math.sin(lat0) * Math.sin(c));
    return [(lon * 180) / Math.PI, (lat * 180) / Math.PI];
  },
};
