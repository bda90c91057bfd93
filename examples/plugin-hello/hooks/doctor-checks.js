// The `doctor:checks` hook: return the checks this plugin adds to `nemoclaw doctor`. No dependencies needed.
// Receives {doctor: {apiVersion, nemoclawVersion}, config, context}; returns an array of {id, title, run}.
export default async function doctorChecks(opts) {
  if (opts.doctor?.apiVersion !== 1) return []
  return [
    {
      id: 'hello',
      title: 'Hello plugin',
      // ctx: {apiVersion, nemoclawVersion, env, gateways, sandboxes, openshell: {path, version, generation}, timeoutMs}
      async run(ctx) {
        if (ctx.env.HELLO_PLUGIN_FAIL) {
          return {status: 'fail', detail: 'HELLO_PLUGIN_FAIL is set.', fix: 'unset HELLO_PLUGIN_FAIL'}
        }

        return {
          status: 'pass',
          detail: `hello plugin sees ${ctx.sandboxes.length} sandbox(es) on ${ctx.gateways.join(', ')}`,
        }
      },
    },
  ]
}
