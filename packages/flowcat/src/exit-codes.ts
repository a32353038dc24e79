/**
 * flowcat's exit status. Scripts can tell "I typed it wrong" from "the
 * other side is not there" from "it broke midway".
 */
export const ExitCode = {
  /** Both directions reached EOF and every byte was relayed. */
  success: 0,
  /** A bug in flowcat (an unexpected exception); please report it. */
  internal: 1,
  /** Bad command line: unknown flag, bad address, missing TLS key… */
  usage: 2,
  /** Could not connect, listen or accept (refused, in use, certificate rejected…). */
  connect: 3,
  /** A peer failed mid-relay (reset, TLS truncation, write to a gone peer). */
  peer: 4,
  /** `--timeout`: nothing moved in either direction for that long. */
  idle: 5,
  /** Interrupted by SIGINT or SIGTERM. */
  interrupted: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
