import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';

type ChartLib = typeof import('./echarts-lib');
type Chart = ReturnType<ChartLib['echarts']['init']>;

/**
 * One ECharts chart, drawn as SVG once the chart library (its own chunk, `echarts-lib.ts`) has
 * arrived, and redrawn when `option` changes or the box is resized (a phone turned, a window
 * narrowed). The box is an image for assistive technology, named by `label`: the figures
 * themselves are in the table beside it (ChartFigures.tsx).
 */
export function EChart({
  option,
  label,
  height,
  className,
  testId,
  needsMap = false,
}: {
  option: EChartsCoreOption;
  /** What the chart shows, figures included, for screen readers. */
  label: string;
  /** In pixels; the width is the box's. Without it the box's style (CSS) sets it. */
  height?: number | undefined;
  className?: string | undefined;
  testId: string;
  /** Whether the option draws the map of Europe, registered first. */
  needsMap?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<{ lib: ChartLib; chart: Chart } | undefined>();

  useEffect(() => {
    let live = true;
    let made: Chart | undefined;
    let observer: ResizeObserver | undefined;
    void import('./echarts-lib').then(
      async (lib) => {
        if (needsMap) await lib.registerEurope();
        if (!live || !box.current) return;
        made = lib.echarts.init(box.current, null, { renderer: 'svg' });
        const current = made;
        observer = new ResizeObserver(() => current.resize());
        observer.observe(box.current);
        setChart({ lib, chart: made });
      },
      // Without the library (offline, a failed chunk) the table of figures still says it all.
      () => undefined,
    );
    return () => {
      live = false;
      observer?.disconnect();
      made?.dispose();
    };
  }, [needsMap]);

  useEffect(() => {
    if (!chart) return;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    // The page's font, named: ECharts measures text (to fit labels, to truncate) in the font it is told.
    const fontFamily = box.current ? getComputedStyle(box.current).fontFamily : undefined;
    const textStyle = { fontFamily, ...(option.textStyle as object | undefined) };
    chart.chart.setOption({ animation: !reduced, ...option, textStyle }, { notMerge: true });
  }, [chart, option]);

  return (
    <div
      ref={box}
      className={className ? `chart__box ${className}` : 'chart__box'}
      role="img"
      aria-label={label}
      data-testid={testId}
      style={height === undefined ? undefined : { height }}
    />
  );
}
