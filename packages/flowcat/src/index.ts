export type { Address, AddressError } from './address.js';
export { ADDRESS_FORMS, formatAddress, parseAddress } from './address.js';
export type { CommandLine, Config, ProgressMode, TlsFlags, UsageError } from './command-line.js';
export { parseCommandLine } from './command-line.js';
export { ExitCode } from './exit-codes.js';
export type { Io } from './main.js';
export { main } from './main.js';
