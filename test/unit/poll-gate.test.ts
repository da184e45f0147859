import { describe, expect, it } from 'vitest';
import { createPollGate } from '../../src/http/poll-gate.js';

describe('the poll gate', () => {
  it('lets the requests of one turn through together after the poll phase, at most N at a time', async () => {
    const wait = createPollGate(2);
    const events: string[] = [];
    // Queued first: it runs in the check phase ahead of the gate's opening.
    setImmediate(() => events.push('check phase'));
    const through = ['a', 'b', 'c'].map((name) =>
      wait().then(() => {
        events.push(name);
      }),
    );
    events.push('poll phase');
    await Promise.all(through);
    // a and b together, then c at the next opening; nothing before the check phase.
    expect(events).toEqual(['poll phase', 'check phase', 'a', 'b', 'c']);

    // The third was let through by a later opening than the first two.
    const order: string[] = [];
    const gates = [wait(), wait(), wait()];
    expect(gates[0]).toBe(gates[1]);
    expect(gates[2]).not.toBe(gates[0]);
    await Promise.all(gates.map((gate, i) => gate.then(() => order.push(String(i)))));
    expect(order).toEqual(['0', '1', '2']);
    // A new turn opens a new gate.
    expect(wait()).not.toBe(gates[2]);
  });
});
