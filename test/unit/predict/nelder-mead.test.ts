import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../../src/predict/nelder-mead.js';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley from the textbook start', () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 2000 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
    expect(result.value).toBeLessThan(1e-8);
    expect(result.iterations).toBeGreaterThan(0);
    expect(result.evaluations).toBeGreaterThan(result.iterations);
  });

  it('treats values outside the domain (NaN, ∞) as worst and stays inside it', () => {
    // Minimum of (x−3)² on x > 0, with NaN below 0.
    const result = nelderMead(([x]) => (x! < 0 ? Number.NaN : (x! - 3) ** 2), [0.5], { step: 4 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(3, 5);
  });

  it('reports non-convergence when the iteration budget runs out', () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10, restarts: 0 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(10);
  });
});
