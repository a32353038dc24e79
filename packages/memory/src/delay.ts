import { MAX_TIMER_MS } from '@flowkit/kernel';
import { Queue } from './queue.js';
import { now } from './random.js';
import type { Stage } from './stage.js';

/** The timing faults of one direction, in milliseconds and bytes per second. @internal */
export interface DelayPlan {
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** `Infinity` when there is no bandwidth limit. */
  readonly bytesPerSecond: number;
}

interface InFlight {
  /** `undefined` marks end-of-stream. */
  readonly chunk: Uint8Array | undefined;
  /** When it becomes readable (ms on {@link now}'s clock). */
  readonly at: number;
}

/**
 * The `latency` and `bandwidth` faults: each chunk, and the end of the
 * stream, waits in flight until its release time, in order. A timer runs
 * only while something is in flight, and {@link Delay.stop} clears it.
 *
 * Release time: the link is busy for `bytes / bytesPerSecond` per chunk,
 * one chunk after another, then `latencyMs` plus a random `0..jitterMs`
 * passes; never before the chunk ahead of it.
 *
 * @internal
 */
export class Delay implements Stage {
  readonly #next: Stage;
  readonly #plan: DelayPlan;
  readonly #random: () => number;
  readonly #inFlight = new Queue<InFlight>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #linkFreeAt = 0;
  #lastRelease = 0;
  #stopped = false;

  constructor(next: Stage, plan: DelayPlan, random: () => number) {
    this.#next = next;
    this.#plan = plan;
    this.#random = random;
  }

  push(chunk: Uint8Array): void {
    this.#send(chunk, chunk.length);
  }

  end(): void {
    this.#send(undefined, 0);
  }

  pull(): void {
    this.#next.pull();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight.drain();
    this.#next.stop();
  }

  #send(chunk: Uint8Array | undefined, bytes: number): void {
    if (this.#stopped) return;
    const { latencyMs, jitterMs, bytesPerSecond } = this.#plan;
    let sent = now();
    if (Number.isFinite(bytesPerSecond)) {
      this.#linkFreeAt = Math.max(sent, this.#linkFreeAt) + (bytes * 1000) / bytesPerSecond;
      sent = this.#linkFreeAt;
    }
    const jitter = jitterMs > 0 ? (this.#random() / 0x1_0000_0000) * jitterMs : 0;
    const at = Math.max(this.#lastRelease, sent + latencyMs + jitter);
    this.#lastRelease = at;
    this.#inFlight.push({ chunk, at });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const head = this.#inFlight.at(0);
    if (head === undefined) return;
    // Capped: a longer delay fires after 1 ms on Node; an early timer just re-arms.
    this.#timer = setTimeout(this.#release, Math.min(MAX_TIMER_MS, Math.max(0, head.at - now())));
  }

  readonly #release = (): void => {
    this.#timer = undefined;
    // Timers may fire up to a millisecond early; release what is due by then.
    const due = now() + 1;
    for (let head = this.#inFlight.at(0); head !== undefined && head.at <= due; head = this.#inFlight.at(0)) {
      this.#inFlight.shift();
      if (head.chunk === undefined) this.#next.end();
      else this.#next.push(head.chunk);
      if (this.#stopped) return;
    }
    this.#schedule();
  };
}
