// For `npm run bench`: a real OpenShell 0.0.111 gateway (test/support/real-gateway.ts) with one sandbox onboarded
// by nemoclaw. Prints one JSON line ({ok, env, cli, argvLog} or {ok: false, reason}), keeps the gateway up while
// stdin stays open, and removes everything when stdin closes.
import {OpenAiStub, RealWorld, realGatewayPrereqs} from '../test/support/real-gateway.js'

const prereqs = realGatewayPrereqs()
if (!prereqs.ok) {
  console.log(JSON.stringify({ok: false, reason: prereqs.reason}))
  process.exit(0)
}

const world = await RealWorld.create(prereqs)
const stub = await new OpenAiStub().start()
const done = async (): Promise<void> => {
  await stub.stop()
  await world.cleanup()
  process.exit(0)
}

try {
  await world.addGateway('nemoclaw')
  const r = await world.nemoclaw(
    [
      'onboard',
      '--name',
      'alpha',
      '--non-interactive',
      '--json',
      '--from',
      prereqs.image,
      '--provider',
      'custom',
      '--endpoint-url',
      stub.url,
      '--model',
      'm1',
    ],
    {timeoutMs: 240_000},
  )
  if (r.exitCode !== 0) throw new Error(`onboard exited ${r.exitCode}: ${r.stdout}${r.stderr}`)
  console.log(
    JSON.stringify({argvLog: world.argvLogPath, cli: prereqs.cliBin, env: world.env, ok: true, wrapper: world.wrapper}),
  )
} catch (error) {
  console.log(JSON.stringify({ok: false, reason: error instanceof Error ? error.message : String(error)}))
  await done()
}

process.stdin.resume()
process.stdin.on('end', done)
process.stdin.on('close', done)
