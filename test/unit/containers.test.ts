import {expect} from 'chai'

import {parseInspect, type SandboxContainer} from '../../src/lib/containers.js'
import {findOrphans, type GatewayView} from '../../src/lib/doctor/checks/orphans.js'

// The fields `docker inspect` (Docker 20.10) printed for a sandbox container of the real 0.0.111 gateway's Docker
// driver (labels, environment and binds as the driver sets them; other fields left out).
const inspected = (id: string, sandbox: string, sandboxId: string, port: number, home: string) => ({
  Config: {
    Env: [
      'HOME=/root',
      `OPENSHELL_ENDPOINT=https://host.openshell.internal:${port}/`,
      `OPENSHELL_SANDBOX=${sandbox}`,
      `OPENSHELL_SANDBOX_ID=${sandboxId}`,
    ],
    Labels: {
      'openshell.ai/managed-by': 'openshell',
      'openshell.ai/sandbox-id': sandboxId,
      'openshell.ai/sandbox-name': sandbox,
      'openshell.ai/sandbox-namespace': 'nct-abc123-nemoclaw',
      'openshell.ai/sandbox-workspace': 'default',
    },
  },
  HostConfig: {
    Binds: [
      '/opt/openshell-sandbox:/opt/openshell/bin/openshell-sandbox:ro,z',
      `${home}/.local/state/openshell/tls/ca.crt:/etc/openshell/tls/client/ca.crt:ro,z`,
    ],
  },
  Id: id,
  Name: `/openshell-default--${sandbox}-${sandboxId}`,
  State: {Status: 'running'},
})

describe('containers: docker inspect → sandbox containers', () => {
  it('reads id, name, state, the openshell.ai labels, OPENSHELL_ENDPOINT and the CA bind source (Binds or Mounts)', () => {
    const a = inspected(
      'f15e068b95031111222233334444555566667777888899990000aaaabbbbcccc',
      'alpha',
      'u-1',
      33255,
      '/home/u',
    )
    const b = {
      ...inspected('098364dd7b42aaaa', 'beta', 'u-2', 33255, '/home/u'),
      HostConfig: {},
      Mounts: [{Destination: '/etc/openshell/tls/client/ca.crt', Source: '/srv/ca.crt', Type: 'bind'}],
    }
    expect(parseInspect(JSON.stringify([a, b]))).to.deep.equal([
      {
        caSource: '/home/u/.local/state/openshell/tls/ca.crt',
        endpoint: 'https://host.openshell.internal:33255/',
        id: 'f15e068b9503',
        name: 'openshell-default--alpha-u-1',
        namespace: 'nct-abc123-nemoclaw',
        sandboxId: 'u-1',
        sandboxName: 'alpha',
        state: 'running',
      },
      {
        caSource: '/srv/ca.crt',
        endpoint: 'https://host.openshell.internal:33255/',
        id: '098364dd7b42',
        name: 'openshell-default--beta-u-2',
        namespace: 'nct-abc123-nemoclaw',
        sandboxId: 'u-2',
        sandboxName: 'beta',
        state: 'running',
      },
    ])
    expect(parseInspect('[]')).to.deep.equal([])
    expect(parseInspect('not json')).to.equal(undefined)
    expect(parseInspect('[{"Name": "no id"}]')).to.equal(undefined)
  })
})

describe('doctor orphan-containers: which containers are provably left behind', () => {
  const CA = '-----BEGIN CERTIFICATE-----\nMINE\n-----END CERTIFICATE-----\n'
  const OTHER_CA = '-----BEGIN CERTIFICATE-----\nTHEIRS\n-----END CERTIFICATE-----\n'
  const files: Record<string, string> = {'/mine/ca.crt': CA, '/theirs/ca.crt': OTHER_CA}
  const read = (f: string): string | undefined => files[f]
  const c = (id: string, sandboxId: string, port: number, caSource = '/mine/ca.crt'): SandboxContainer => ({
    caSource,
    endpoint: `https://host.openshell.internal:${port}/`,
    id,
    name: `n-${id}`,
    sandboxId,
    sandboxName: `s-${id}`,
    state: 'running',
  })
  const gw = (over: Partial<GatewayView> = {}): GatewayView => ({
    caPem: CA,
    listed: true,
    name: 'nemoclaw',
    port: 17670,
    sandboxIds: new Set(['live-1']),
    ...over,
  })

  it('a container of our gateway (same port, same CA) whose sandbox the healthy gateway does not list is an orphan; a listed one is not', () => {
    const r = findOrphans(
      [c('bbb', 'gone-2', 17670), c('aaa', 'gone-1', 17670), c('ccc', 'live-1', 17670)],
      [gw()],
      read,
    )
    expect(r.map((o) => [o.container.id, o.gateway])).to.deep.equal([
      ['aaa', 'nemoclaw'],
      ['bbb', 'nemoclaw'],
    ])
  })

  it("another gateway's container is not: another port, or the same port with another CA (another PKI), or a CA that cannot be read", () => {
    expect(findOrphans([c('a', 'x', 40000)], [gw()], read)).to.deep.equal([])
    expect(findOrphans([c('a', 'x', 17670, '/theirs/ca.crt')], [gw()], read)).to.deep.equal([])
    expect(findOrphans([c('a', 'x', 17670, '/unreadable/ca.crt')], [gw()], read)).to.deep.equal([])
    expect(findOrphans([{...c('a', 'x', 17670), caSource: undefined}], [gw()], read)).to.deep.equal([])
    expect(findOrphans([{...c('a', 'x', 17670), endpoint: undefined}], [gw()], read)).to.deep.equal([])
  })

  it('doubt is not an orphan: a gateway that is not healthy with a complete list, two gateways matching, a sandbox another gateway lists', () => {
    expect(findOrphans([c('a', 'x', 17670)], [gw({listed: false, sandboxIds: new Set()})], read)).to.deep.equal([])
    expect(findOrphans([c('a', 'x', 17670)], [gw(), gw({name: 'twin'})], read)).to.deep.equal([])
    expect(
      findOrphans(
        [c('a', 'x', 17670)],
        [gw(), gw({caPem: OTHER_CA, name: 'other', port: 18000, sandboxIds: new Set(['x'])})],
        read,
      ),
    ).to.deep.equal([])
    expect(findOrphans([{...c('a', 'x', 17670), sandboxId: undefined}], [gw()], read)).to.deep.equal([])
  })
})
