import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text of one certificate and its key. */
export interface Pem {
  readonly cert: string;
  readonly key: string;
}

/**
 * The certificate matrix, generated with the openssl CLI into a temp dir at
 * test time (no private key is committed). `root` is the trusted CA, `inter`
 * an intermediate under it; leaves are for `localhost` / 127.0.0.1 unless the
 * name says otherwise.
 */
export interface CertMatrix {
  readonly dir: string;
  readonly root: Pem;
  readonly inter: Pem;
  /** Good leaf under `inter`; `chain` = leaf + intermediate. */
  readonly good: Pem & { readonly chain: string };
  readonly expired: Pem & { readonly chain: string };
  readonly notYetValid: Pem & { readonly chain: string };
  readonly wrongHost: Pem & { readonly chain: string };
  readonly selfSigned: Pem;
  /** Leaf under a root nobody trusts; `chain` = leaf + that root. */
  readonly untrusted: Pem & { readonly chain: string };
  /** A client certificate under `root` (for mutual TLS). */
  readonly client: Pem;
  /** A client certificate under another CA. */
  readonly clientOtherCa: Pem;
  /** The `good` key, encrypted with passphrase `hunter2`. */
  readonly encryptedKey: string;
  /** Deletes the temp dir. */
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

function stamp(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

const CA_CONF = `
[ ca ]
default_ca = the_ca
[ the_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ other_host_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
[ client_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
`;

/** Generates the whole matrix (about a second of openssl work). */
export function makeCertMatrix(): CertMatrix {
  const dir = mkdtempSync(join(tmpdir(), 'flowkit-tls-'));
  writeFileSync(join(dir, 'ca.cnf'), CA_CONF);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');

  const key = (name: string) =>
    openssl(dir, [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      `${name}.key`,
    ]);
  /** A key and a certificate for `cn`, signed by `issuer` or, without one, by itself. */
  const certify = (
    name: string,
    cn: string,
    ext: string,
    issuer: string | undefined,
    from: number,
    to: number,
  ) => {
    key(name);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    const signer =
      issuer === undefined
        ? ['-selfsign', '-keyfile', `${name}.key`]
        : ['-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`];
    openssl(dir, [
      'ca',
      '-config',
      'ca.cnf',
      '-batch',
      '-notext',
      ...signer,
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.pem`,
      '-extensions',
      ext,
      '-startdate',
      stamp(from),
      '-enddate',
      stamp(to),
    ]);
  };
  const selfSign = (name: string, cn: string, ext: string) => certify(name, cn, ext, undefined, -1, 365);
  const issue = (name: string, cn: string, issuer: string, ext: string, from: number, to: number) =>
    certify(name, cn, ext, issuer, from, to);
  const pem = (name: string): Pem => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });

  selfSign('root', 'flowkit test root', 'ca_ext');
  issue('inter', 'flowkit test intermediate', 'root', 'ca_ext', -1, 365);
  issue('good', 'localhost', 'inter', 'server_ext', -1, 30);
  issue('expired', 'localhost', 'inter', 'server_ext', -60, -30);
  issue('future', 'localhost', 'inter', 'server_ext', 30, 60);
  issue('other', 'other.example', 'inter', 'other_host_ext', -1, 30);
  selfSign('self', 'localhost', 'server_ext');
  selfSign('root2', 'untrusted root', 'ca_ext');
  issue('untrusted', 'localhost', 'root2', 'server_ext', -1, 30);
  issue('client', 'flowkit client', 'root', 'client_ext', -1, 30);
  issue('client2', 'stranger client', 'root2', 'client_ext', -1, 30);
  openssl(dir, ['pkey', '-in', 'good.key', '-aes256', '-passout', 'pass:hunter2', '-out', 'good.enc.key']);

  const inter = read('inter.pem');
  const withChain = (name: string, extra: string) => ({ ...pem(name), chain: read(`${name}.pem`) + extra });
  return {
    dir,
    root: pem('root'),
    inter: pem('inter'),
    good: withChain('good', inter),
    expired: withChain('expired', inter),
    notYetValid: withChain('future', inter),
    wrongHost: withChain('other', inter),
    selfSigned: pem('self'),
    untrusted: withChain('untrusted', read('root2.pem')),
    client: pem('client'),
    clientOtherCa: pem('client2'),
    encryptedKey: read('good.enc.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
