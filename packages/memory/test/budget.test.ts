// The stall/resetAfter stage on its own, against an outlet whose waiting
// reads the test controls: one piece per waiting read, cut to the budgets.
import { describe, expect, it } from 'vitest';
import { Budget, type Link } from '../src/budget.js';
import type { Outlet } from '../src/stage.js';
import { pattern } from './helpers.js';

/** An outlet with `waiting` reads; each push serves one of them. */
function reader(waiting = 0) {
  const log: string[] = [];
  const pieces: Uint8Array[] = [];
  const callbacks: ((() => void) | undefined)[] = [];
  const outlet: Outlet & { waiting: number } = {
    waiting,
    push(chunk, delivered) {
      pieces.push(chunk);
      callbacks.push(delivered);
      log.push(`push ${chunk.length}`);
      if (this.waiting > 0) this.waiting--;
    },
    end: () => void log.push('end'),
    arrived: () => void log.push('arrived'),
    pull: () => {},
    stop: () => {},
  };
  return { outlet, log, pieces, callbacks };
}

const noReset = (): Link => ({ resetBudget: Number.POSITIVE_INFINITY, reset: () => {} });

describe('Budget', () => {
  it('holds chunks until reads wait, then hands one piece per waiting read, in order', () => {
    const { outlet, pieces, log } = reader();
    const budget = new Budget(outlet, Number.POSITIVE_INFINITY, noReset());
    const a = pattern(3);
    const b = pattern(4, 3);
    budget.push(a);
    budget.push(b);
    expect(pieces).toEqual([]);
    outlet.waiting = 1;
    budget.pull();
    expect(pieces).toEqual([a]);
    expect(pieces[0]).toBe(a);
    outlet.waiting = 2;
    budget.pull();
    expect(pieces[1]).toBe(b);
    budget.end();
    expect(log).toEqual(['push 3', 'push 4', 'arrived', 'end']);
  });

  it('end: arrived at once, the end itself only after the held data and to a waiting read', () => {
    const { outlet, log } = reader();
    const budget = new Budget(outlet, Number.POSITIVE_INFINITY, noReset());
    budget.push(pattern(2));
    budget.end();
    expect(log).toEqual(['arrived']);
    outlet.waiting = 1;
    budget.pull();
    expect(log).toEqual(['arrived', 'push 2']);
    outlet.waiting = 1;
    budget.pull();
    expect(log).toEqual(['arrived', 'push 2', 'end']);
    // Ended once only.
    outlet.waiting = 1;
    budget.pull();
    expect(log.filter((x) => x === 'end').length).toBe(1);
  });

  it('stall after N bytes: the read that reaches N gets exactly the rest of N, then nothing, not even the end', () => {
    const { outlet, pieces, log } = reader(5);
    const budget = new Budget(outlet, 5, noReset());
    budget.push(pattern(3));
    budget.push(pattern(4, 3));
    budget.end();
    expect(pieces.map((p) => p.length)).toEqual([3, 2]);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(pattern(5)));
    expect(log).toEqual(['push 3', 'push 2', 'arrived']);
    budget.pull();
    expect(pieces.length).toBe(2);
  });

  it('stall after exactly the bytes written: the reader gets them all, but never the end', () => {
    const { outlet, pieces, log } = reader(3);
    const budget = new Budget(outlet, 5, noReset());
    const chunk = pattern(5);
    budget.push(chunk);
    budget.end();
    budget.pull();
    // A piece that fits the budget exactly is the very buffer, not a cut view.
    expect(pieces[0]).toBe(chunk);
    expect(log).toEqual(['push 5', 'arrived']);
  });

  it('stall at 0 bytes: nothing at all reaches the reader', () => {
    const { outlet, log } = reader(3);
    const budget = new Budget(outlet, 0, noReset());
    budget.push(pattern(3));
    budget.end();
    budget.pull();
    expect(log).toEqual(['arrived']);
  });

  it('resetAfter: the piece that spends the shared budget is cut to it and carries the reset', () => {
    let resets = 0;
    const link: Link = {
      resetBudget: 6,
      reset: () => {
        resets++;
      },
    };
    const ab = reader(1);
    const ba = reader(1);
    const forward = new Budget(ab.outlet, Number.POSITIVE_INFINITY, link);
    const backward = new Budget(ba.outlet, Number.POSITIVE_INFINITY, link);
    forward.push(pattern(4));
    expect(link.resetBudget).toBe(2);
    expect(ab.callbacks).toEqual([undefined]);
    backward.push(pattern(10));
    expect(ba.pieces.map((p) => p.length)).toEqual([2]);
    expect(link.resetBudget).toBe(0);
    ba.callbacks[0]?.();
    expect(resets).toBe(1);
    // The budget is spent: nothing more passes either way.
    ab.outlet.waiting = 1;
    forward.push(pattern(1));
    expect(ab.pieces.length).toBe(1);
  });

  it('stop drops what is held: later reads get nothing, and the end does not pass', () => {
    const { outlet, log } = reader();
    const budget = new Budget(outlet, Number.POSITIVE_INFINITY, noReset());
    budget.push(pattern(3));
    budget.stop();
    outlet.waiting = 2;
    budget.pull();
    budget.end();
    expect(log).toEqual(['arrived']);
  });
});
