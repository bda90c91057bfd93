// PKI for the stub gateway, generated with the `openssl` CLI (no Node crypto X.509 writer exists).
// Mirrors the real gateway's layout: CA `O=openshell, CN=openshell-ca`; server cert with IP SAN 127.0.0.1 and
// serverAuth EKU; client cert `CN=openshell-client, OU=openshell-user`. EC P-256 keys in PKCS#8 PEM.
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export interface Pki {
  dir: string
  caCert: string
  caKeyPath: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

export const OPENSHELL_CA_SUBJECT = '/O=openshell/CN=openshell-ca'

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, {cwd, stdio: ['ignore', 'ignore', 'pipe']})
}

function newKey(cwd: string, file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd)
}

/** A CA with the given subject (default: the real OpenShell CA DN) plus server and client leaf certificates. */
export function generatePki(dir: string, opts: {caSubject?: string; serverSans?: string} = {}): Pki {
  mkdirSync(dir, {recursive: true})
  const caSubject = opts.caSubject ?? OPENSHELL_CA_SUBJECT
  newKey(dir, 'ca.key')
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '3',
      '-subj',
      caSubject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  )
  const leaf = (name: string, subject: string, ext: string) => {
    newKey(dir, `${name}.key`)
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir)
    writeFileSync(join(dir, `${name}.ext`), ext)
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    )
  }
  leaf(
    'server',
    '/O=openshell/CN=openshell-server',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
      `subjectAltName=${opts.serverSans ?? 'IP:127.0.0.1,DNS:localhost'}\n`,
  )
  leaf(
    'client',
    '/O=openshell/OU=openshell-user/CN=openshell-client',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  )
  const r = (f: string) => readFileSync(join(dir, f), 'utf8')
  return {
    dir,
    caCert: r('ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    serverCert: r('server.crt'),
    serverKey: r('server.key'),
    clientCert: r('client.crt'),
    clientKey: r('client.key'),
  }
}
