/**
 * The dashboard charts' colours, from the application's palette (styles/app.css). The map's
 * steps are ColorBrewer's sequential blues, darkest for the most buyers; each is at least 3:1
 * against white so a country's fill is seen against the page. Exported for the browser test,
 * which reads them back from the drawn SVG.
 */
export const chartColours = {
  bar: '#003399',
  /** Stages outside the stage filter, drawn for comparison. */
  outside: '#b8bdc8',
  text: '#1b1b1f',
  grid: '#d3d6dd',
  /** An EU/EEA country without a participating buyer in the matching pilots. */
  none: '#d6e2f5',
  /** Countries outside the EU and EEA: context only. */
  other: '#f4f5f8',
  border: '#8a8f9c',
  /** One to five steps of buyers per country, lightest first. */
  steps: ['#4292c6', '#2171b5', '#08519c', '#08306b', '#041c40'],
} as const;

/**
 * Up to five ranges of whole numbers covering 1…max, each as wide as the others can be:
 * max 2 → [1,1] [2,2]; max 10 → [1,2] [3,4] [5,6] [7,8] [9,10].
 */
export function countSteps(max: number): { min: number; max: number; colour: string }[] {
  if (max < 1) return [];
  const n = Math.min(max, chartColours.steps.length);
  const colours = chartColours.steps.slice(chartColours.steps.length - n);
  return colours.map((colour, i) => ({
    min: Math.floor((i * max) / n) + 1,
    max: Math.floor(((i + 1) * max) / n),
    colour,
  }));
}
