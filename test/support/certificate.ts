import { execFileSync } from 'node:child_process';

/** A self-signed certificate and its key, made by openssl, for test servers that speak HTTPS. */
export function makeSelfSignedCertificate(certFile: string, keyFile: string, commonName = 'localhost'): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
}
