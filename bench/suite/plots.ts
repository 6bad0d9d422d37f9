// The suite's plots, drawn with Vega-Lite and rendered to SVG by Vega without a browser:
// states and time against each scaling parameter, and speedup against workers.

import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { ScalingPoint, ScalingRow, SpeedupRow } from './scaling.js';

export type Dimension = 'cpus' | 'entries' | 'walks' | 'memoryModel';

export const DIMENSIONS: readonly { key: Dimension; title: string }[] = [
  { key: 'cpus', title: 'CPUs' }, { key: 'entries', title: 'entries per table' },
  { key: 'walks', title: 'walks per walker' }, { key: 'memoryModel', title: 'memory model' },
];

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The rows of one curve: the points that differ from the base point only in `d`. */
export function curve<R extends ScalingPoint>(rows: readonly R[], d: Dimension, base: ScalingPoint): R[] {
  const others = DIMENSIONS.map((x) => x.key).filter((k) => k !== d);
  return rows.filter((r) => others.every((k) => r[k] === base[k]));
}

/** States (log scale) and seconds against one parameter; reduced and unreduced search. */
export async function scalingPlot(rows: readonly ScalingRow[], d: Dimension, title: string, base: ScalingPoint): Promise<string> {
  const values = curve(rows, d, base).flatMap((r) => [
    { x: r[d], search: 'reduced', states: r.reduced.states, seconds: r.reduced.seconds },
    ...(r.unreduced ? [{ x: r[d], search: 'unreduced', states: r.unreduced.states, seconds: r.unreduced.seconds }] : []),
  ]);
  const xType = d === 'memoryModel' ? 'ordinal' : 'quantitative';
  const panel = (field: 'states' | 'seconds', axis: string) => ({
    width: 260, height: 200,
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: {
        field: 'x', type: xType, title, axis: { labelAngle: 0, ...(xType === 'quantitative' ? { tickMinStep: 1 } : {}) },
        ...(xType === 'quantitative' ? { scale: d === 'entries' ? { type: 'log' as const, base: 2 } : { zero: false } } : { sort: ['sc', 'relaxed'] }),
      },
      y: { field, type: 'quantitative' as const, title: axis, scale: { type: 'log' as const } },
      color: { field: 'search', type: 'nominal' as const, title: 'search' },
    },
  });
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `ptmc: cost against ${title} (scaling family)`,
    data: { values },
    hconcat: [panel('states', 'states stored'), panel('seconds', 'seconds (one worker)')],
  } as TopLevelSpec);
}

/** Speedup against workers, with the ideal line. */
export async function speedupPlot(rows: readonly SpeedupRow[], scenario: string): Promise<string> {
  const values = rows.flatMap((r) => [{ workers: r.workers, speedup: r.speedup, line: 'measured' }, { workers: r.workers, speedup: r.workers, line: 'ideal' }]);
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `ptmc check ${scenario}: speedup against workers`,
    width: 320, height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'workers', type: 'quantitative', title: 'workers', axis: { tickMinStep: 1 } },
      y: { field: 'speedup', type: 'quantitative', title: 'speedup over 1 worker' },
      color: { field: 'line', type: 'nominal', title: null, scale: { domain: ['measured', 'ideal'], range: ['#4c78a8', '#9d9d9d'] } },
      strokeDash: { field: 'line', type: 'nominal', title: null, scale: { domain: ['measured', 'ideal'], range: [[1, 0], [4, 4]] } },
    },
  } as TopLevelSpec);
}
