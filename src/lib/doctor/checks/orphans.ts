/**
 * orphan containers: sandbox containers a gateway left behind in the local container runtime (after a rebuild, the
 * gateway's new database no longer knows them, while Docker still runs them). Read-only, also with --fix: it names
 * them and prints the exact removal command; nemoclaw never removes a container.
 *
 * A container is called an orphan of gateway G only on proof, because several gateways (other users', other
 * tests') can share one Docker host, and the containers carry no gateway id:
 *  - it connects back to G: the port of its OPENSHELL_ENDPOINT is the port of G's registered endpoint (two live
 *    gateways on one host cannot share a port), G is local, and no other diagnosed gateway matches it as well;
 *  - it trusts G's CA: the file mounted as its client CA holds the same CA as G's registered client bundle (a
 *    gateway with another PKI — another user's, another test's — never matches);
 *  - G is healthy and its sandbox list is complete, with an id for every sandbox, and no diagnosed gateway lists
 *    the container's sandbox id.
 * Anything less (a gateway down or rotated, a CA file that cannot be read, a list cut short) is doubt: not an orphan.
 */
import fs from 'node:fs'

import {listSandboxContainers, type ContainerListing, type SandboxContainer} from '../../containers.js'
import {mtlsFiles, readGatewayMetadata} from '../../openshell/config.js'
import type {LiveGateway} from '../../reconcile/decide.js'
import type {DoctorContext} from '../context.js'
import type {Check, CheckResult} from '../types.js'

/** What the attribution needs to know about one diagnosed gateway. */
export interface GatewayView {
  name: string
  /** Healthy (class ok) and its sandbox list complete, with ids: only then can a container be missing from it. */
  listed: boolean
  /** Ids of the sandboxes the gateway lists (empty unless `listed`). */
  sandboxIds: Set<string>
  /** Local (not remote) and its registered endpoint's port. */
  port?: number
  /** Its registered client CA (PEM), when readable. */
  caPem?: string
}

interface Orphan {
  gateway: string
  container: SandboxContainer
}

function portOf(endpoint: string | undefined): number | undefined {
  if (!endpoint) return undefined
  try {
    const u = new URL(endpoint)
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port)
    return Number.isInteger(port) ? port : undefined
  } catch {
    return undefined
  }
}

const samePem = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim() !== '' && a.trim() === b.trim()

/** Pure: the containers that are provably orphans of one of `gateways`. `readCa` reads a host file (bounded). */
export function findOrphans(
  containers: SandboxContainer[],
  gateways: GatewayView[],
  readCa: (file: string) => string | undefined,
): Orphan[] {
  const listedAnywhere = new Set(gateways.flatMap((g) => [...g.sandboxIds]))
  const orphans: Orphan[] = []
  for (const c of containers) {
    if (!c.sandboxId || listedAnywhere.has(c.sandboxId)) continue
    const port = portOf(c.endpoint)
    if (port === undefined || !c.caSource) continue
    const candidates = gateways.filter((g) => g.port === port)
    if (candidates.length === 0) continue
    const ca = readCa(c.caSource)
    const owners = candidates.filter((g) => samePem(ca, g.caPem))
    if (owners.length !== 1 || !owners[0].listed) continue
    orphans.push({container: c, gateway: owners[0].name})
  }

  return orphans.sort((a, b) => a.container.id.localeCompare(b.container.id))
}

/** The id of every sandbox, or undefined when one has none. */
function everyId(sandboxes: Array<{id?: string}>): string[] | undefined {
  const ids = sandboxes.map((sb) => sb.id).filter((id): id is string => Boolean(id))
  return ids.length === sandboxes.length ? ids : undefined
}

function readSmall(file: string): string | undefined {
  try {
    if (fs.statSync(file).size > 64 * 1024) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** The gateways whose containers would be on this machine: registered metadata that is not remote. */
function localGateways(names: string[], env: NodeJS.ProcessEnv): string[] {
  return names.filter((g) => {
    const md = readGatewayMetadata(g, env)
    return md !== undefined && md.isRemote !== true
  })
}

/** What the attribution needs of one local gateway, from its live state and its registered files. */
function gatewayView(name: string, l: LiveGateway | undefined, env: NodeJS.ProcessEnv): GatewayView {
  const list = l?.list?.ok ? l.list.value : undefined
  // the ids of a whole list from a healthy gateway, every sandbox with one; else undefined
  const ids =
    l?.health.classId === 'ok' && list !== undefined && !list.incomplete && !list.nextPageToken
      ? everyId(list.sandboxes)
      : undefined
  const md = readGatewayMetadata(name, env)
  return {
    caPem: readSmall(mtlsFiles(name, env).ca.path),
    listed: ids !== undefined,
    name,
    port: portOf(md?.gatewayEndpoint),
    sandboxIds: new Set(ids ?? []),
  }
}

/** The check's result once the containers are listed: pass, or a warning naming each orphan and the removal. */
function orphansResult(orphans: Orphan[], listing: Extract<ContainerListing, {ok: true}>): CheckResult {
  const checked = `${listing.containers.length} OpenShell sandbox container(s) in ${listing.tool}`
  if (orphans.length === 0) {
    return {
      detail: `No container is left behind (${checked}; each belongs to a sandbox its gateway lists, or to no gateway diagnosed here).`,
      status: 'pass',
    }
  }

  const lines = orphans.map(
    (o) =>
      `${o.container.id} ${o.container.name} (sandbox '${o.container.sandboxName ?? '?'}', id ${o.container.sandboxId}, ${o.container.state}): gateway '${o.gateway}' does not list it`,
  )
  return {
    detail: [
      `${orphans.length} sandbox container(s) left behind: their gateway no longer lists their sandbox (e.g. after a rebuild) but ${listing.tool} still has them. nemoclaw never removes containers; remove them yourself when nothing in them is needed.`,
      ...lines,
      `(${checked})`,
    ].join('\n'),
    fix: `${listing.tool} rm -f ${orphans.map((o) => o.container.id).join(' ')}`,
    status: 'warn',
  }
}

export const orphansCheck: Check<DoctorContext> = {
  id: 'orphan-containers',
  title: 'Sandbox containers left behind',
  async run(ctx): Promise<CheckResult> {
    const local = localGateways(await ctx.gateways(), ctx.env)
    if (local.length === 0)
      return {detail: 'No local gateway is diagnosed: its containers are not on this machine.', status: 'skip'}
    const live = await ctx.live()
    const views = local.map((name) => gatewayView(name, live.get(name), ctx.env))
    if (!views.some((v) => v.listed)) {
      return {
        detail: `No diagnosed local gateway is healthy with a complete sandbox list (${local.join(', ')}); a container is called left behind only against one.`,
        status: 'skip',
      }
    }

    const answers = await ctx.runtimes()
    const tool = answers.find((a) => a.ok)?.tool
    if (!tool)
      return {
        detail: `No container runtime answers (${answers.map((a) => a.line).join('; ')}); see the container-runtime check.`,
        status: 'skip',
      }
    const listing = await listSandboxContainers(tool, ctx.env, ctx.probeTimeoutMs)
    if (!listing.ok) return {detail: `Could not list the sandbox containers: ${listing.reason}.`, status: 'skip'}
    return orphansResult(findOrphans(listing.containers, views, readSmall), listing)
  },
}
