// Starts Verdaccio from the directory given as argv[2] with the config file in
// argv[3], on 127.0.0.1 and a port the OS picks, and prints `port N` once it
// listens. It stops on SIGTERM, when its parent closes stdin (the parent died),
// or after argv[4] ms at the latest: a registry left behind never outlives
// the run that started it by long.
const { createRequire } = require('node:module');
const path = require('node:path');

const [dir, config, lifetime = '900000'] = process.argv.slice(2);
const { runServer } = createRequire(path.join(dir, 'package.json'))('verdaccio');

runServer(config).then((server) => {
  const stop = () => server.close(() => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`port ${server.address().port}\n`);
  });
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  setTimeout(() => process.exit(2), Number(lifetime));
});
