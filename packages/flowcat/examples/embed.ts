import { ExitCode, main, parseAddress } from '@flowkit/flowcat';

// flowcat's pieces are a library too: check an address the way the CLI does…
const parsed = parseAddress('tcp:[::1]:8080');
if (parsed.ok)
  console.log(parsed.value); // { kind: 'tcp', host: '::1', port: 8080 }
else console.error(parsed.error.message);

// …or run the whole command with your own streams and get its exit status.
const code = await main(['--help'], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
console.log(code === ExitCode.success ? 'help shown' : `exit ${code}`);
