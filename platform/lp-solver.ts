import type { Highs } from 'highs';
import * as highsModule from 'highs';

import type { LinearProgram, LpResult, LpSolver } from '../domain/disclosure/linear-program.js';

// The package's one type file describes its ES module, which NodeNext reads as CommonJS.
type Loader = () => Promise<Highs>;
const exported = highsModule as unknown as { default: Loader | { default: Loader } };
const highsLoader: Loader = typeof exported.default === 'function' ? exported.default : exported.default.default;

/**
 * HiGHS (the University of Edinburgh's LP/MIP solver, compiled to WebAssembly by the `highs`
 * package) behind the pure `LpSolver` interface. The module is compiled once per process; each
 * program is passed to one persistent solver instance as a sparse matrix, and its maximum is
 * found from the minimum's basis.
 */
let loading: Promise<LpSolver> | undefined;

export function loadLpSolver(): Promise<LpSolver> {
  loading ??= highsLoader().then((highs) => {
    const model = highs.createModel();
    model.options.set({ output_flag: false, log_to_console: false });
    const status = highs.constants.modelStatus;
    const run = (sense: 'min' | 'max'): LpResult => {
      model.changeObjectiveSense(
        sense === 'min' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
      );
      const { modelStatus } = model.run();
      if (modelStatus === status.optimal) return { status: 'optimal', value: model.getObjectiveValue() };
      if (modelStatus === status.unbounded) return { status: 'unbounded' };
      if (modelStatus === status.infeasible) return { status: 'infeasible' };
      if (modelStatus === status.unboundedOrInfeasible) {
        // Presolve could not tell which: the constraints alone decide feasibility.
        model.options.set('presolve', 'off');
        try {
          return run(sense);
        } finally {
          model.options.set('presolve', 'choose');
        }
      }
      throw new Error(`HiGHS could not solve a disclosure program (model status ${modelStatus})`);
    };
    const load = (program: Omit<LinearProgram, 'sense'>) => model.passModel(toModelData(highs, program));
    const solver: LpSolver = {
      solve(program) {
        load(program);
        return run(program.sense);
      },
      solveBoth(program) {
        load(program);
        return [run('min'), run('max')];
      },
    };
    return solver;
  });
  return loading!;
}

function toModelData(highs: Highs, program: Omit<LinearProgram, 'sense'>) {
  const names = Object.keys(program.variables);
  const column = new Map(names.map((n, i) => [n, i]));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowBound: number[] = [];
  for (const c of program.constraints) {
    for (const [name, coef] of Object.entries(c.terms)) {
      if (coef === 0) continue;
      const j = column.get(name);
      if (j === undefined) throw new Error(`linear program uses the undeclared variable ${name}`);
      indices.push(j);
      values.push(coef);
    }
    starts.push(indices.length);
    rowBound.push(c.equals);
  }
  const inf = highs.infinity;
  return {
    numCols: names.length,
    numRows: program.constraints.length,
    colCost: names.map((n) => program.objective[n] ?? 0),
    colLower: names.map((n) => (program.variables[n]!.lower === -Infinity ? -inf : program.variables[n]!.lower)),
    colUpper: names.map((n) => program.variables[n]!.upper ?? inf),
    rowLower: rowBound,
    rowUpper: rowBound,
    matrix: {
      format: 'csr' as const,
      numRows: program.constraints.length,
      numCols: names.length,
      starts,
      indices,
      values,
    },
  };
}
