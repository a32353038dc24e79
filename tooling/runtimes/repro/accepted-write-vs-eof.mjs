// Why @flowkit/tcp's listen refuses Deno (packages/tcp/README.md, Runtimes),
// with node:net alone, no flowkit code: a client half-closes as soon as it
// connects; the server, in its connection callback, writes 4 KiB and ends.
// The client must read all 4 KiB, then EOF. Deno 2.9.6: the accepted
// socket's write fails with EPIPE and the client reads EOF after 0 bytes,
// in every trial; Node and Bun: 4096 bytes every time.
//   deno run -A tooling/runtimes/repro/accepted-write-vs-eof.mjs
//   node tooling/runtimes/repro/accepted-write-vs-eof.mjs
// Loopback only, port 0; every socket and the server close by themselves.
import net from 'node:net';

const TRIALS = 5;
const SIZE = 4096;

function trial() {
  return new Promise((resolve) => {
    let serverError = 'none';
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', (error) => {
        serverError = error.code ?? String(error);
      });
      socket.on('data', () => {});
      socket.write(Buffer.alloc(SIZE, 7));
      socket.end();
    });
    server.listen(0, '127.0.0.1', () => {
      const client = net.connect({ host: '127.0.0.1', port: server.address().port, allowHalfOpen: true });
      let received = 0;
      const timer = setTimeout(() => client.destroy(), 5_000);
      client.on('connect', () => client.end());
      client.on('data', (chunk) => {
        received += chunk.length;
      });
      client.on('error', () => {});
      client.on('close', () => {
        clearTimeout(timer);
        server.close(() => resolve({ received, serverError }));
      });
    });
  });
}

let kept = 0;
for (let i = 0; i < TRIALS; i++) {
  const { received, serverError } = await trial();
  if (received === SIZE) kept++;
  console.log(
    `trial ${i + 1}: client read ${received} of ${SIZE} bytes before EOF; server socket error: ${serverError}`,
  );
}
console.log(
  kept === TRIALS
    ? `kept: every trial delivered the data`
    : `lost: ${TRIALS - kept} of ${TRIALS} trials read EOF where data belonged`,
);
