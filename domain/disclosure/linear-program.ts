/**
 * The linear programs of disclosure control: what an attacker can narrow a hidden figure down to,
 * given every published figure and the relations between them, is the minimum and maximum of
 * that figure over all non-negative values consistent with what was published. The solver is
 * passed in (HiGHS in production, see platform/lp-solver.ts), so this stays pure.
 */
export interface LinearProgram {
  sense: 'min' | 'max';
  objective: Readonly<Record<string, number>>;
  /** Every variable with its bounds; `upper` absent means unbounded above. */
  variables: Readonly<Record<string, { lower: number; upper?: number }>>;
  /** Σ coefficient × variable = equals. */
  constraints: readonly { terms: Readonly<Record<string, number>>; equals: number }[];
}

export type LpResult = { status: 'optimal'; value: number } | { status: 'unbounded' } | { status: 'infeasible' };

export interface LpSolver {
  solve(program: LinearProgram): LpResult;
  /** Both senses of one program; a solver may reuse the loaded model for the second. */
  solveBoth?(program: Omit<LinearProgram, 'sense'>): [min: LpResult, max: LpResult];
}

/** The interval a linear expression can take: `lower`/`upper` are ±Infinity when unbounded. */
export function intervalOf(solver: LpSolver, program: Omit<LinearProgram, 'sense'>): { lower: number; upper: number } | null {
  const [min, max] = solver.solveBoth ? solver.solveBoth(program) : [solver.solve({ ...program, sense: 'min' }), solver.solve({ ...program, sense: 'max' })];
  if (min.status === 'infeasible' || max.status === 'infeasible') return null;
  return {
    lower: min.status === 'unbounded' ? -Infinity : min.value,
    upper: max.status === 'unbounded' ? Infinity : max.value,
  };
}

/**
 * The program in CPLEX LP format, which HiGHS and most solvers read. Variables are renamed
 * `x0, x1…` so that no key can break the format.
 */
export function toCplexLp(program: LinearProgram): string {
  const names = Object.keys(program.variables);
  const id = new Map(names.map((n, i) => [n, `x${i}`]));
  const num = (v: number) => (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Number.isInteger(v) ? String(v) : v.toPrecision(17));
  const expr = (terms: Readonly<Record<string, number>>) => {
    const parts = Object.entries(terms)
      .filter(([, c]) => c !== 0)
      .map(([n, c]) => `${c < 0 ? '-' : '+'} ${num(Math.abs(c))} ${id.get(n) ?? fail(n)}`);
    return parts.length ? parts.join(' ') : `+ 0 ${id.get(names[0]!)}`;
  };
  const lines = [program.sense === 'min' ? 'Minimize' : 'Maximize', ` obj: ${expr(program.objective)}`, 'Subject To'];
  program.constraints.forEach((c, i) => lines.push(` c${i}: ${expr(c.terms)} = ${num(c.equals)}`));
  lines.push('Bounds');
  for (const n of names) {
    const b = program.variables[n]!;
    if (b.upper === undefined) lines.push(b.lower === -Infinity ? ` ${id.get(n)} free` : ` ${id.get(n)} >= ${num(b.lower)}`);
    else lines.push(` ${num(b.lower)} <= ${id.get(n)} <= ${num(b.upper)}`);
  }
  lines.push('End');
  return lines.join('\n');
}

function fail(name: string): never {
  throw new Error(`linear program uses the undeclared variable ${name}`);
}
