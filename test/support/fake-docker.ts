// A fake Docker Engine API on a unix socket, just enough for the REAL legacy openshell CLI (0.0.x <= 0.0.36) to
// run `openshell gateway add <endpoint> --local`: that command talks to Docker (DOCKER_HOST), finds the gateway
// container publishing the endpoint's port, and reads the TLS secrets out of its k3s with `docker exec kubectl`.
// Learned from the 0.0.26 binary: GET /containers/json, then five POST /containers/<name>/exec +
// POST /exec/<id>/start (HTTP upgrade to a raw multiplexed stream) + GET /exec/<id>/json, one per secret.
// So the legacy CLI writes its own metadata and mtls/ files, the way it does on a user's machine.
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface FakeGatewayContainer {
  /** Container name, e.g. `openshell-cluster-<gateway>`. */
  name: string
  /** Host port the container publishes (the endpoint's port). */
  publicPort: number
  /** PEM material the container's k3s secrets hold. */
  caCert: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

export interface FakeDocker {
  /** `unix://<socket>`: set as DOCKER_HOST for the real CLI. */
  dockerHost: string
  /** Every request (method + path), for assertions and fixtures. */
  requests: string[]
  containers: FakeGatewayContainer[]
  stop(): Promise<void>
}

// The secret/key each `kubectl get secret … -o jsonpath='{.data.<key>}'` asks for.
const SECRETS: Record<string, keyof FakeGatewayContainer> = {
  'openshell-server-tls tls.crt': 'serverCert',
  'openshell-server-tls tls.key': 'serverKey',
  'openshell-server-client-ca ca.crt': 'caCert',
  'openshell-client-tls tls.crt': 'clientCert',
  'openshell-client-tls tls.key': 'clientKey',
  'openshell-client-tls ca.crt': 'caCert',
}

/** Docker's multiplexed stream frame: [stream, 0, 0, 0, size (u32 BE)] + payload. */
function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload)
  const head = Buffer.alloc(8)
  head[0] = stream
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

export async function startFakeDocker(containers: FakeGatewayContainer[] = []): Promise<FakeDocker> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'))
  const sock = join(dir, 'docker.sock')
  const requests: string[] = []
  const execs = new Map<string, {output: string; exitCode: number}>()
  let nextExec = 1

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {'Content-Type': 'application/json', 'Api-Version': '1.43'})
    res.end(JSON.stringify(body))
  }

  const execOutput = (
    container: FakeGatewayContainer | undefined,
    cmd: string[],
  ): {output: string; exitCode: number} => {
    const script = cmd.join(' ')
    const m = /get secret (\S+) .*\{\.data\.([a-z]+)\\*\.([a-z]+)\}/.exec(script)
    const field = m ? SECRETS[`${m[1]} ${m[2]}.${m[3]}`] : undefined
    if (!container || !field) return {output: '', exitCode: 1}
    return {output: Buffer.from(String(container[field])).toString('base64'), exitCode: 0}
  }

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://docker')
    const path = url.pathname.replace(/^\/v1\.\d+/, '')
    requests.push(`${req.method} ${path}`)
    if (path === '/_ping') {
      res.writeHead(200, {'Content-Type': 'text/plain', 'Api-Version': '1.43'})
      res.end('OK')
      return
    }
    if (path === '/version') {
      json(res, 200, {Version: '24.0.0', ApiVersion: '1.43', Os: 'linux', Arch: 'amd64'})
      return
    }
    if (req.method === 'GET' && path === '/containers/json') {
      json(
        res,
        200,
        containers.map((c, i) => ({
          Id: `c${i}`.padEnd(64, '0'),
          Names: [`/${c.name}`],
          Image: 'ghcr.io/nvidia/openshell/cluster',
          State: 'running',
          Status: 'Up',
          Labels: {},
          Ports: [{IP: '0.0.0.0', PrivatePort: 30_051, PublicPort: c.publicPort, Type: 'tcp'}],
        })),
      )
      return
    }
    let m = /^\/containers\/([^/]+)\/exec$/.exec(path)
    if (req.method === 'POST' && m) {
      const container = containers.find((c) => c.name === m![1])
      if (!container) {
        json(res, 404, {message: `No such container: ${m[1]}`})
        return
      }
      const id = `exec${nextExec++}`.padEnd(64, '0')
      execs.set(id, execOutput(container, (JSON.parse(body || '{}') as {Cmd?: string[]}).Cmd ?? []))
      json(res, 201, {Id: id})
      return
    }
    m = /^\/exec\/([^/]+)\/json$/.exec(path)
    if (req.method === 'GET' && m) {
      const e = execs.get(m[1])
      if (!e) {
        json(res, 404, {message: 'No such exec instance'})
        return
      }
      json(res, 200, {ID: m[1], Running: false, ExitCode: e.exitCode})
      return
    }
    m = /^\/exec\/([^/]+)\/start$/.exec(path)
    if (req.method === 'POST' && m) {
      // non-upgraded start: raw stream in the body
      const e = execs.get(m[1])
      if (!e) {
        json(res, 404, {message: 'No such exec instance'})
        return
      }
      res.writeHead(200, {'Content-Type': 'application/vnd.docker.raw-stream'})
      res.end(frame(1, e.output))
      return
    }
    json(res, 404, {message: `page not found: ${req.method} ${path}`})
  }

  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => handle(req, res, body))
  })
  // `POST /exec/<id>/start` with `Upgrade: tcp`: answer 101 and write the multiplexed output on the socket.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const path = new URL(req.url ?? '/', 'http://docker').pathname.replace(/^\/v1\.\d+/, '')
    requests.push(`${req.method} ${path} (upgrade)`)
    const m = /^\/exec\/([^/]+)\/start$/.exec(path)
    const e = m ? execs.get(m[1]) : undefined
    if (!e) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      return
    }
    socket.write(
      'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
    )
    if (e.output) socket.write(frame(1, e.output))
    socket.end()
  })
  await new Promise<void>((resolve) => server.listen(sock, resolve))
  return {
    dockerHost: `unix://${sock}`,
    requests,
    containers,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
