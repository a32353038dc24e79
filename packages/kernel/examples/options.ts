import { boolean, host, port, readOptions, timeout } from '@flowkit/kernel';

/** The option table of a small dialer: each option's name and its reader. */
const dialOptions = {
  host: host(),
  port: port({ allowZero: false }),
  noDelay: boolean(),
  timeout: timeout(),
};

const read = readOptions({ host: '127.0.0.1', port: 70000 }, dialOptions);
if (!read.ok) {
  // "port must be an integer 1–65535, got 70000"
  console.log(`${read.error.option}: ${read.error.message}`);
}
