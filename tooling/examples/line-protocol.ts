import { EOF, type Flow } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Server side of a tiny protocol: answer each line with its upper-case form. */
export async function shout(flow: Flow): Promise<void> {
  let pending = '';
  for (;;) {
    const r = await flow.read();
    if (!r.ok || r.value === EOF) break;
    pending += decoder.decode(r.value, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const reply = `${pending.slice(0, newline).toUpperCase()}\n`;
      if (!(await flow.write(encoder.encode(reply))).ok) return flow.abort();
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  await flow.close();
}

/** Client side: send lines, half-close, collect every reply until EOF. */
export async function ask(flow: Flow, lines: string[]): Promise<string> {
  await flow.writev(lines.map((line) => encoder.encode(`${line}\n`)));
  const closed = flow.close(); // half-close: replies still arrive
  let replies = '';
  for (;;) {
    const r = await flow.read();
    if (!r.ok || r.value === EOF) break;
    replies += decoder.decode(r.value, { stream: true });
  }
  await closed;
  return replies;
}

// The same two functions run over tcp, unix or tls: only this line changes.
const [client, server] = pair();
const [replies] = await Promise.all([ask(client, ['hello', 'flow']), shout(server)]);
console.log(replies); // "HELLO\nFLOW\n"
