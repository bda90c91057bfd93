import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  configBase,
  envOverrides,
  listRegisteredGateways,
  LOCAL_SERVICE_ENDPOINT,
  localServiceEndpoint,
  localTlsBundle,
  localTlsDir,
  mtlsFiles,
  readActiveGateway,
  readGatewayMetadata,
  refreshMtlsFromLocalBundle,
  sanitiseGatewayName,
} from '../../../src/lib/openshell/config.js'

describe('openshell/config', () => {
  let root: string
  let env: NodeJS.ProcessEnv
  const base = (): string => path.join(root, 'xdg', 'openshell')
  const write = (rel: string, content: string, mode = 0o644): void => {
    const p = path.join(base(), rel)
    fs.mkdirSync(path.dirname(p), {recursive: true})
    fs.writeFileSync(p, content, {mode})
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-cfg-'))
    env = {HOME: path.join(root, 'home'), XDG_CONFIG_HOME: path.join(root, 'xdg')}
  })
  afterEach(() => fs.rmSync(root, {recursive: true, force: true}))

  it('base is $XDG_CONFIG_HOME/openshell, else ~/.config/openshell', () => {
    expect(configBase(env)).to.equal(base())
    expect(configBase({HOME: '/h'})).to.equal('/h/.config/openshell')
    expect(configBase({HOME: '/h', XDG_CONFIG_HOME: 'relative'})).to.equal('/h/.config/openshell')
  })

  it('reads the active gateway trimmed; absent or empty → undefined', () => {
    expect(readActiveGateway(env)).to.equal(undefined)
    write('active_gateway', 'nemoclaw\n')
    expect(readActiveGateway(env)).to.equal('nemoclaw')
    write('active_gateway', '  ')
    expect(readActiveGateway(env)).to.equal(undefined)
  })

  it('reads metadata tolerantly', () => {
    write(
      'gateways/nemoclaw/metadata.json',
      JSON.stringify({
        name: 'nemoclaw',
        gateway_endpoint: 'https://127.0.0.1:17670',
        is_remote: false,
        gateway_port: 0,
        auth_mode: null,
        extra: 1,
      }),
    )
    const md = readGatewayMetadata('nemoclaw', env)!
    expect(md).to.deep.include({
      name: 'nemoclaw',
      gatewayEndpoint: 'https://127.0.0.1:17670',
      isRemote: false,
      gatewayPort: 0,
      authMode: null,
    })
    expect(md.raw.extra).to.equal(1)
    write('gateways/broken/metadata.json', '{"name": ')
    expect(readGatewayMetadata('broken', env)).to.equal(undefined)
    write('gateways/arr/metadata.json', '[]')
    expect(readGatewayMetadata('arr', env)).to.equal(undefined)
    expect(readGatewayMetadata('missing', env)).to.equal(undefined)
  })

  it('lists only gateway dirs that hold metadata.json', () => {
    expect(listRegisteredGateways(env)).to.deep.equal([])
    write('gateways/b/metadata.json', '{}')
    write('gateways/a/metadata.json', '{}')
    fs.mkdirSync(path.join(base(), 'gateways', 'empty'), {recursive: true})
    expect(listRegisteredGateways(env)).to.deep.equal(['a', 'b'])
  })

  it('sanitises gateway names like OpenShell', () => {
    expect(sanitiseGatewayName('my gw/1')).to.equal('my_gw_1')
    expect(sanitiseGatewayName('ok-name_1.x')).to.equal('ok-name_1.x')
  })

  it('mtlsFiles reports presence, readability and mode', () => {
    write('gateways/g/mtls/ca.crt', 'CA')
    write('gateways/g/mtls/tls.key', 'KEY', 0o600)
    const m = mtlsFiles('g', env)
    expect(m.ca).to.include({present: true, readable: true})
    expect(m.cert).to.include({present: false, readable: false})
    expect(m.key.mode).to.equal(0o600)
    expect(m.complete).to.equal(false)
    write('gateways/g/mtls/tls.crt', 'CRT')
    expect(mtlsFiles('g', env).complete).to.equal(true)
  })

  it('local TLS dir and bundle', () => {
    expect(localTlsDir(env)).to.equal(path.join(root, 'home', '.local', 'state', 'openshell', 'tls'))
    expect(localTlsDir({...env, OPENSHELL_LOCAL_TLS_DIR: '/x/tls'})).to.equal('/x/tls')
    expect(localTlsBundle(env).complete).to.equal(false)
  })

  it('env overrides', () => {
    expect(envOverrides({})).to.deep.equal({})
    expect(envOverrides({OPENSHELL_GATEWAY: 'other', OPENSHELL_GATEWAY_ENDPOINT: 'https://h:1'})).to.deep.equal({
      gateway: 'other',
      endpoint: 'https://h:1',
    })
    expect(envOverrides({OPENSHELL_GATEWAY: ''})).to.deep.equal({})
  })

  it("localServiceEndpoint: the port of gateway.toml's [openshell.gateway] bind_address, else the default", () => {
    expect(localServiceEndpoint(env), 'no gateway.toml').to.equal(LOCAL_SERVICE_ENDPOINT)
    write(
      'gateway.toml',
      '[openshell]\nversion = 1\n[openshell.gateway]\nbind_address = "127.0.0.1:18444"\ncompute_drivers = ["docker"]\n',
    )
    expect(localServiceEndpoint(env)).to.equal('https://127.0.0.1:18444')
    write('gateway.toml', '[openshell.gateway]\nbind_address = "0.0.0.0:9000"\n')
    expect(localServiceEndpoint(env), 'wildcard bind: reached on loopback').to.equal('https://127.0.0.1:9000')
    write('gateway.toml', '[openshell.gateway]\nbind_address = "10.1.2.3:9000"\n')
    expect(localServiceEndpoint(env), 'not a loopback bind').to.equal(LOCAL_SERVICE_ENDPOINT)
    write('gateway.toml', '[openshell.gateway\nbind_address = ')
    expect(localServiceEndpoint(env), 'unparsable').to.equal(LOCAL_SERVICE_ENDPOINT)
    write('gateway.toml', '[openshell.gateway]\ncompute_drivers = ["docker"]\n')
    expect(localServiceEndpoint(env), 'no bind_address').to.equal(LOCAL_SERVICE_ENDPOINT)
  })

  describe('refreshMtlsFromLocalBundle', () => {
    const tls = (): string => path.join(root, 'tls')
    const makeBundle = (): void => {
      fs.mkdirSync(path.join(tls(), 'client'), {recursive: true})
      fs.writeFileSync(path.join(tls(), 'ca.crt'), 'NEW-CA')
      fs.writeFileSync(path.join(tls(), 'client', 'tls.crt'), 'NEW-CRT')
      fs.writeFileSync(path.join(tls(), 'client', 'tls.key'), 'NEW-KEY', {mode: 0o600})
    }

    beforeEach(() => {
      env.OPENSHELL_LOCAL_TLS_DIR = tls()
    })

    it('copies the bundle in and keeps the old files as mtls.bak-<ts>/', () => {
      makeBundle()
      write('gateways/nemoclaw/metadata.json', '{}')
      write('gateways/nemoclaw/mtls/ca.crt', 'OLD-CA')
      write('gateways/nemoclaw/mtls/tls.crt', 'OLD-CRT')
      write('gateways/nemoclaw/mtls/tls.key', 'OLD-KEY', 0o600)
      const r = refreshMtlsFromLocalBundle('nemoclaw', env, new Date('2026-07-01T10:20:30.456Z'))
      expect(r.ok).to.equal(true)
      if (!r.ok) return
      const dir = path.join(base(), 'gateways', 'nemoclaw', 'mtls')
      expect(r.dir).to.equal(dir)
      expect(r.backupDir).to.equal(path.join(base(), 'gateways', 'nemoclaw', 'mtls.bak-20260701T102030456Z'))
      expect(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8')).to.equal('NEW-CA')
      expect(fs.readFileSync(path.join(dir, 'tls.crt'), 'utf8')).to.equal('NEW-CRT')
      expect(fs.readFileSync(path.join(dir, 'tls.key'), 'utf8')).to.equal('NEW-KEY')
      expect(fs.statSync(path.join(dir, 'tls.key')).mode & 0o777).to.equal(0o600)
      expect(fs.readFileSync(path.join(r.backupDir!, 'ca.crt'), 'utf8')).to.equal('OLD-CA')
      expect(mtlsFiles('nemoclaw', env).complete).to.equal(true)
      // A second refresh in the same instant does not overwrite the first backup.
      const again = refreshMtlsFromLocalBundle('nemoclaw', env, new Date('2026-07-01T10:20:30.456Z'))
      expect(again.ok && again.backupDir).to.not.equal(r.backupDir)
      expect(fs.readFileSync(path.join(r.backupDir!, 'ca.crt'), 'utf8')).to.equal('OLD-CA')
    })

    it('works without a previous mtls dir (no backup)', () => {
      makeBundle()
      write('gateways/nemoclaw/metadata.json', '{}')
      const r = refreshMtlsFromLocalBundle('nemoclaw', env)
      expect(r).to.deep.equal({ok: true, dir: path.join(base(), 'gateways', 'nemoclaw', 'mtls')})
    })

    it('refuses an incomplete bundle and changes nothing', () => {
      fs.mkdirSync(tls(), {recursive: true})
      fs.writeFileSync(path.join(tls(), 'ca.crt'), 'NEW-CA')
      write('gateways/nemoclaw/mtls/ca.crt', 'OLD-CA')
      const r = refreshMtlsFromLocalBundle('nemoclaw', env)
      expect(r.ok).to.equal(false)
      expect(!r.ok && r.reason).to.equal('bundle_incomplete')
      expect(!r.ok && r.message).to.include('tls.key')
      expect(fs.readFileSync(path.join(base(), 'gateways', 'nemoclaw', 'mtls', 'ca.crt'), 'utf8')).to.equal('OLD-CA')
      expect(fs.readdirSync(path.join(base(), 'gateways', 'nemoclaw'))).to.deep.equal(['mtls'])
    })

    it('refuses an unregistered gateway', () => {
      makeBundle()
      const r = refreshMtlsFromLocalBundle('ghost', env)
      expect(!r.ok && r.reason).to.equal('gateway_not_registered')
      expect(fs.existsSync(path.join(base(), 'gateways', 'ghost'))).to.equal(false)
    })
  })
})
