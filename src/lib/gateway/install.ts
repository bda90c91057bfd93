/**
 * A gateway's first install: no gateway is registered under this name yet. Legacy OpenShell starts one (`gateway
 * start`); modern OpenShell registers this machine's gateway service (started through its systemd user unit when
 * there is one) from its local TLS bundle (`gateway add --local`). Then a bounded wait until it answers. Only onboard
 * installs a gateway; recovery never does (gateway/planner.ts).
 */
import type {OpenShell} from '../openshell/client.js'
import {localServiceEndpoint, localTlsBundle} from '../openshell/config.js'
import {waitHealthy} from './execute.js'
import type {GatewayHealth} from './health.js'
import {waitTimeoutMs} from './planner.js'
import {startGatewayService} from './probe.js'

/** Install the gateway `health` found not configured; returns its health afterwards (`health` itself when a step failed). */
export async function installGateway(
  client: OpenShell,
  gateway: string,
  health: GatewayHealth,
): Promise<GatewayHealth> {
  const env = client.env
  const caps = health.facts.capabilities
  if (caps?.generation === 'legacy') {
    const started = await client.gatewayStart(gateway)
    if (!started.ok) return health
    return waitHealthy(client, gateway, waitTimeoutMs(env), true)
  }

  if (health.facts.serviceUnit) {
    await startGatewayService(env)
  }

  if (!localTlsBundle(env).complete) return health
  const added = await client.gatewayAdd(localServiceEndpoint(env), {local: true, name: gateway})
  if (!added.ok) return health
  return waitHealthy(client, gateway, waitTimeoutMs(env), health.facts.serviceUnit)
}
