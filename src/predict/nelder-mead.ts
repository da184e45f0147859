/**
 * Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
 * contraction ½, shrink ½). Enough for the three- and four-parameter likelihoods here, which are
 * smooth in log-parameters; no gradients to derive or keep in sync with the likelihood.
 */

export interface NelderMeadOptions {
  /** Most iterations per run (a run ends when the simplex meets both tolerances). */
  maxIterations?: number;
  /** Largest spread of function values across the simplex at convergence. */
  fTolerance?: number;
  /** Largest distance, per coordinate, of a vertex from the best one at convergence. */
  xTolerance?: number;
  /** Initial step along each coordinate. */
  step?: number;
  /**
   * Fresh simplexes built around the optimum after convergence: a simplex can collapse on a ridge
   * short of the minimum, and a restart that finds nothing better is the usual check.
   */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

interface Vertex {
  x: number[];
  value: number;
}

export function nelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const maxIterations = options.maxIterations ?? 200 * start.length;
  const fTolerance = options.fTolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-8;
  const step = options.step ?? 0.5;
  const restarts = options.restarts ?? 1;
  let evaluations = 0;
  // A non-finite value (outside the model's domain) is treated as the worst possible.
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    const value = objective(x);
    return { x, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };

  let best = evaluate([...start]);
  let iterations = 0;
  let converged = false;
  for (let run = 0; run <= restarts; run++) {
    const outcome = runSimplex(evaluate, best.x, step, maxIterations, fTolerance, xTolerance);
    iterations += outcome.iterations;
    const improvement = best.value - outcome.best.value;
    const firstRun = run === 0;
    best = outcome.best.value <= best.value ? outcome.best : best;
    converged = outcome.converged;
    if (!converged) break;
    if (!firstRun && improvement <= fTolerance) break;
  }
  return { x: best.x, value: best.value, iterations, evaluations, converged };
}

function runSimplex(
  evaluate: (x: number[]) => Vertex,
  start: number[],
  step: number,
  maxIterations: number,
  fTolerance: number,
  xTolerance: number,
): { best: Vertex; iterations: number; converged: boolean } {
  const n = start.length;
  const simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push(evaluate(x));
  }
  const along = (from: number[], to: number[], t: number): number[] =>
    from.map((value, i) => value + t * (to[i]! - value));

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    simplex.sort((left, right) => left.value - right.value);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (meetsTolerance(simplex, fTolerance, xTolerance)) {
      return { best, iterations: iteration - 1, converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let v = 0; v < n; v++) {
      for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + simplex[v]!.x[i]! / n;
    }
    const reflected = evaluate(along(centroid, worst.x, -1));
    if (reflected.value < best.value) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.value < reflected.value ? expanded : reflected;
      continue;
    }
    if (reflected.value < simplex[n - 1]!.value) {
      simplex[n] = reflected;
      continue;
    }
    // Contract towards the better of the reflected point and the worst vertex.
    const outside = reflected.value < worst.value;
    const contracted = evaluate(along(centroid, worst.x, outside ? -0.5 : 0.5));
    if (contracted.value < (outside ? reflected.value : worst.value)) {
      simplex[n] = contracted;
      continue;
    }
    for (let v = 1; v <= n; v++) simplex[v] = evaluate(along(best.x, simplex[v]!.x, 0.5));
  }
  simplex.sort((left, right) => left.value - right.value);
  return {
    best: simplex[0]!,
    iterations: maxIterations,
    converged: meetsTolerance(simplex, fTolerance, xTolerance),
  };
}

/** `simplex` sorted best first. */
function meetsTolerance(simplex: Vertex[], fTolerance: number, xTolerance: number): boolean {
  const best = simplex[0]!;
  for (let v = 1; v < simplex.length; v++) {
    const vertex = simplex[v]!;
    if (!(Math.abs(vertex.value - best.value) <= fTolerance)) return false;
    for (let i = 0; i < best.x.length; i++) {
      if (Math.abs(vertex.x[i]! - best.x[i]!) > xTolerance) return false;
    }
  }
  return true;
}
