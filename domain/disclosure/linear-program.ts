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
export function intervalOf(
  solver: LpSolver,
  program: Omit<LinearProgram, 'sense'>,
): { lower: number; upper: number } | null {
  const [min, max] = solver.solveBoth
    ? solver.solveBoth(program)
    : [solver.solve({ ...program, sense: 'min' }), solver.solve({ ...program, sense: 'max' })];
  if (min.status === 'infeasible' || max.status === 'infeasible') return null;
  return {
    lower: min.status === 'unbounded' ? -Infinity : min.value,
    upper: max.status === 'unbounded' ? Infinity : max.value,
  };
}
