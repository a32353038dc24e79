import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A throwaway self-signed certificate for `localhost` and 127.0.0.1, used as its own CA. */
export interface Certificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * Makes a fresh P-256 certificate with the `openssl` command, valid for one
 * day. The same certificate serves the raw Node and the flowkit TLS cases, so
 * both pay for the same cipher suite. Returns the reason, as a string, when
 * openssl is missing or fails.
 */
export async function makeCertificate(): Promise<Certificate | string> {
  const dir = await mkdtemp(join(tmpdir(), 'flowkit-bench-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await promisify(execFile)(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { timeout: 20_000 },
    );
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } catch (error) {
    return `could not make a test certificate with openssl: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
