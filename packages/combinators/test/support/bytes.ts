import { EOF, type Flow } from '@flowkit/flow-types';

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function patternBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes `data` in pieces whose sizes cycle through `sizes`; does not close. */
export async function writeInPieces(flow: Flow, data: Uint8Array, sizes: readonly number[]): Promise<void> {
  let at = 0;
  let i = 0;
  while (at < data.byteLength) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    const w = await flow.write(data.slice(at, at + size));
    if (!w.ok) throw new Error(`test writer failed: ${w.error.message}`);
    at += size;
    i++;
  }
}

/** Joins buffers into one new buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Reads to EOF (at most `maxReads` reads) and joins what came. */
export async function readToEnd(flow: Flow, maxReads = 1_000_000): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < maxReads; i++) {
    const r = await flow.read();
    if (!r.ok) throw new Error(`test reader failed: ${r.error.message}`);
    if (r.value === EOF) return concatBytes(parts);
    parts.push(r.value);
  }
  throw new Error('test reader: too many reads');
}

/** Resolves after `ms`, with a timer that cannot outlive the test. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `p` settles within `ms` (used only to detect a stall, never to time). */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where `a` and `b` first differ, or -1 when they are equal. Deep-equality on
 * large typed arrays is slow in test matchers; this is a plain loop.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}
