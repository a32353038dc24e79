import { toWebStreams } from '@flowkit/combinators';
import { pair } from '@flowkit/memory';

// Any Web Streams code can talk to a flow. Backpressure is counted in bytes:
// a writer that awaits `ready` holds at most ~64 KiB here, not 16,384 chunks.
const [a, b] = pair();
const left = toWebStreams(a, { writableHighWaterMark: 64 * 1024 });
const right = toWebStreams(b);

// b echoes everything back through a TransformStream that upper-cases text.
const upper = new TransformStream<Uint8Array, Uint8Array>({
  transform(chunk, controller) {
    controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
  },
});
const echoing = right.readable.pipeThrough(upper).pipeTo(right.writable);

const writer = left.writable.getWriter();
await writer.ready;
await writer.write(new TextEncoder().encode('streams meet flows'));
await writer.close(); // half-closes a; the echo side ends and half-closes b

const reader = left.readable.getReader();
let text = '';
for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
await echoing;
await Promise.all([a.close(), b.close()]); // both sides have closed: resolves at once
console.log(text); // STREAMS MEET FLOWS
