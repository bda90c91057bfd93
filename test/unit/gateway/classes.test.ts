import {expect} from 'chai'

import {
  CLASS_IDS,
  type ClassId,
  EXIT_CODES,
  type GuidanceContext,
  guidanceFor,
  isGatewayClass,
  renderGuidance,
  worstClass,
} from '../../../src/lib/gateway/classes.js'

// The "same words" contract: every class × generation rendered in full and compared to a literal.
const LEGACY: GuidanceContext = {
  endpoint: 'https://127.0.0.1:8080',
  gateway: 'nemoclaw',
  generation: 'legacy',
  sandbox: 'alpha',
  version: '0.0.26',
}
const MODERN: GuidanceContext = {
  endpoint: 'https://127.0.0.1:17670',
  gateway: 'nemoclaw',
  generation: 'modern',
  sandbox: 'alpha',
  sandboxStart: true,
  serviceUnit: true,
  version: '0.1.2',
}

const render = (id: ClassId, ctx: GuidanceContext) => renderGuidance(guidanceFor(id, ctx))

describe('gateway/classes', () => {
  describe('exit codes', () => {
    it('has exactly the issue table, one distinct code per class', () => {
      expect(EXIT_CODES).to.deep.equal({
        gateway_auth_required: 24,
        gateway_not_configured: 20,
        gateway_other_active: 25,
        gateway_refusing_after_restart: 22,
        gateway_trust_rotated: 23,
        gateway_unreachable: 21,
        ok: 0,
        openshell_missing: 10,
        openshell_unsupported: 11,
        probe_timeout: 40,
        sandbox_error: 32,
        sandbox_missing: 30,
        sandbox_not_ready: 31,
        sandbox_stopped: 33,
        unknown: 1,
      })
      expect(new Set(Object.values(EXIT_CODES)).size).to.equal(CLASS_IDS.length)
      expect([...CLASS_IDS].sort()).to.deep.equal(Object.keys(EXIT_CODES).sort())
    })

    it('guidanceFor carries the id and exit code of its class, for every class and generation', () => {
      for (const id of CLASS_IDS) {
        for (const ctx of [LEGACY, MODERN, {gateway: 'nemoclaw'}]) {
          const g = guidanceFor(id, ctx)
          expect(g.id).to.equal(id)
          expect(g.exitCode).to.equal(EXIT_CODES[id])
        }
      }
    })
  })

  describe('worstClass', () => {
    it('is ok for nothing and for only ok', () => {
      expect(worstClass([])).to.equal('ok')
      expect(worstClass(['ok', 'ok'])).to.equal('ok')
    })

    it('orders: sandbox problems < other gateway active < timeout < gateway failures < unknown < openshell problems', () => {
      const order: ClassId[] = [
        'ok',
        'sandbox_not_ready',
        'sandbox_stopped',
        'sandbox_missing',
        'sandbox_error',
        'gateway_other_active',
        'probe_timeout',
        'gateway_auth_required',
        'gateway_trust_rotated',
        'gateway_unreachable',
        'gateway_refusing_after_restart',
        'gateway_not_configured',
        'unknown',
        'openshell_unsupported',
        'openshell_missing',
      ]
      expect([...order].sort()).to.deep.equal([...CLASS_IDS].sort())
      for (let i = 0; i < order.length; i++) {
        for (let j = 0; j < order.length; j++) {
          const expected = order[Math.max(i, j)]
          expect(worstClass([order[i], order[j]]), `${order[i]} vs ${order[j]}`).to.equal(expected)
        }
      }
    })

    it('does not depend on the order of its input', () => {
      expect(worstClass(['sandbox_missing', 'gateway_unreachable', 'sandbox_error'])).to.equal('gateway_unreachable')
      expect(worstClass(['sandbox_error', 'sandbox_missing', 'gateway_unreachable'])).to.equal('gateway_unreachable')
    })
  })

  it('isGatewayClass: gateway_* and openshell_* only', () => {
    expect(CLASS_IDS.filter((id) => isGatewayClass(id))).to.deep.equal([
      'openshell_missing',
      'openshell_unsupported',
      'gateway_not_configured',
      'gateway_unreachable',
      'gateway_refusing_after_restart',
      'gateway_trust_rotated',
      'gateway_auth_required',
      'gateway_other_active',
    ])
  })

  describe('full guidance text', () => {
    const cases: Array<{id: ClassId; title: string; ctx: GuidanceContext; text: string}> = [
      // ok
      {ctx: LEGACY, id: 'ok', text: "Sandbox 'alpha' is Ready on gateway 'nemoclaw'.", title: 'legacy, sandbox'},
      {
        ctx: {...MODERN, sandbox: undefined},
        id: 'ok',
        text: "Gateway 'nemoclaw' is healthy.",
        title: 'modern, gateway only',
      },
      // openshell_missing: the same with and without a generation
      ...[LEGACY, MODERN, {gateway: 'nemoclaw'}].map((ctx) => ({
        ctx,
        id: 'openshell_missing' as const,
        text: [
          'The openshell CLI was not found or cannot be executed.',
          '  1. Install it: `pip install --user openshell` (or `uv tool install openshell`).',
          '  2. Or point nemoclaw at it: `export NEMOCLAW_OPENSHELL_BIN=/path/to/openshell`.',
          '  3. Then run `nemoclaw doctor`.',
        ].join('\n'),
        title: ctx.generation ?? 'no generation',
      })),
      {
        ctx: {...LEGACY, version: '0.0.5'},
        id: 'openshell_unsupported',
        text: [
          'openshell 0.0.5 is outside the versions nemoclaw supports (0.0.10 – 0.1.5).',
          '  1. Upgrade it: `pip install --user --upgrade openshell`.',
          '  2. Then run `nemoclaw doctor`.',
        ].join('\n'),
        title: 'legacy 0.0.5',
      },
      {
        ctx: {gateway: 'nemoclaw'},
        id: 'openshell_unsupported',
        text: [
          'openshell (unknown version) is outside the versions nemoclaw supports (0.0.10 – 0.1.5).',
          '  1. Upgrade it: `pip install --user --upgrade openshell`.',
          '  2. Then run `nemoclaw doctor`.',
        ].join('\n'),
        title: 'unknown version',
      },
      // gateway_not_configured
      {
        ctx: LEGACY,
        id: 'gateway_not_configured',
        text: [
          "No OpenShell gateway named 'nemoclaw' is registered on this machine.",
          "  1. Run `nemoclaw onboard` to start gateway 'nemoclaw' and create a sandbox.",
          '  2. Or start it by hand: `openshell gateway start --name nemoclaw`.',
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: MODERN,
        id: 'gateway_not_configured',
        text: [
          "No OpenShell gateway named 'nemoclaw' is registered on this machine.",
          "  1. Run `nemoclaw onboard` to register the local gateway service as 'nemoclaw' and create a sandbox.",
          '  2. Or register it by hand: `openshell gateway add https://127.0.0.1:17670 --local --name nemoclaw`.',
        ].join('\n'),
        title: 'modern',
      },
      {
        ctx: {gateway: 'nemoclaw', generation: 'modern'},
        id: 'gateway_not_configured',
        text: [
          "No OpenShell gateway named 'nemoclaw' is registered on this machine.",
          "  1. Run `nemoclaw onboard` to register the local gateway service as 'nemoclaw' and create a sandbox.",
          '  2. Or register it by hand: `openshell gateway add https://127.0.0.1:17670 --local --name nemoclaw`.',
        ].join('\n'),
        title: 'modern, no endpoint known: the default local endpoint',
      },
      // gateway_unreachable
      {
        ctx: LEGACY,
        id: 'gateway_unreachable',
        text: [
          "Gateway 'nemoclaw' is registered but does not answer at https://127.0.0.1:8080.",
          '  1. Run `nemoclaw recover` to start it and wait until it is healthy (runs `openshell gateway start --name nemoclaw`, which keeps its sandboxes).',
          '  2. Or by hand: `openshell gateway start --name nemoclaw`, then `nemoclaw status`.',
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: MODERN,
        id: 'gateway_unreachable',
        text: [
          "Gateway 'nemoclaw' is registered but does not answer at https://127.0.0.1:17670.",
          '  1. Run `nemoclaw recover` to start the gateway service and wait until it is healthy.',
          '  2. Or by hand: `systemctl --user start openshell-gateway`, then `nemoclaw status`.',
        ].join('\n'),
        title: 'modern with the systemd unit',
      },
      {
        ctx: {...MODERN, serviceUnit: false},
        id: 'gateway_unreachable',
        text: [
          "Gateway 'nemoclaw' is registered but does not answer at https://127.0.0.1:17670.",
          '  1. Start the OpenShell gateway service the way it was installed (systemd: `systemctl --user start openshell-gateway`; Homebrew: `brew services start openshell`; container: start its container).',
          '  2. Then run `nemoclaw status` to confirm it answers.',
        ].join('\n'),
        title: 'modern without the systemd unit',
      },
      // gateway_refusing_after_restart: the destructive step is last, spelled out, with a warning
      {
        ctx: LEGACY,
        id: 'gateway_refusing_after_restart',
        text: [
          "Gateway 'nemoclaw' is running (it was started) but its API still refuses connections at https://127.0.0.1:8080.",
          "  1. Read the gateway's logs: `docker ps -a --filter name=openshell`, then `docker logs <container>`.",
          '  2. Fix what the logs report (Docker running, port free), then run `nemoclaw recover` again.',
          "  3. Last resort, run by you only — WARNING: deletes every sandbox on gateway 'nemoclaw': `openshell gateway start --name nemoclaw --recreate`.",
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: MODERN,
        id: 'gateway_refusing_after_restart',
        text: [
          "Gateway 'nemoclaw' is running (it was started) but its API still refuses connections at https://127.0.0.1:17670.",
          "  1. Read the gateway's logs: `journalctl --user -u openshell-gateway -n 200` (or the log of the gateway's container).",
          '  2. Fix what the logs report, then run `nemoclaw recover` again.',
          "  3. Last resort, run by you only — WARNING: deletes every sandbox on gateway 'nemoclaw': reinstall the gateway service with fresh state, then `nemoclaw onboard`.",
        ].join('\n'),
        title: 'modern',
      },
      // gateway_trust_rotated
      {
        ctx: LEGACY,
        id: 'gateway_trust_rotated',
        text: [
          "Gateway 'nemoclaw' presents a certificate from a CA this machine does not trust: it was rebuilt or its certificates rotated. Its sandboxes may still exist.",
          '  1. Run `nemoclaw recover` to re-sync the client certificates (runs `openshell gateway start --name nemoclaw` on the existing gateway).',
          '  2. Then run `nemoclaw status` to see which sandboxes survived.',
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: MODERN,
        id: 'gateway_trust_rotated',
        text: [
          "Gateway 'nemoclaw' presents a certificate from a CA this machine does not trust: it was rebuilt or its certificates rotated. Its sandboxes may still exist.",
          "  1. Run `nemoclaw recover` to re-import the client bundle from the local gateway's TLS directory (the old files are kept as a backup).",
          '  2. Or by hand: `openshell gateway remove nemoclaw && openshell gateway add https://127.0.0.1:17670 --local --name nemoclaw`.',
          '  3. Then run `nemoclaw status` to see which sandboxes survived.',
        ].join('\n'),
        title: 'modern',
      },
      // gateway_auth_required
      {
        ctx: LEGACY,
        id: 'gateway_auth_required',
        text: [
          "Gateway 'nemoclaw' requires an auth token that this machine does not have.",
          "  1. Get access to gateway 'nemoclaw' from whoever runs it: legacy openshell (before 0.0.37) has no `gateway login` command.",
          '  2. Then run `nemoclaw status`.',
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: MODERN,
        id: 'gateway_auth_required',
        text: [
          "Gateway 'nemoclaw' requires you to log in.",
          '  1. Run `openshell gateway login nemoclaw`.',
          '  2. Then run `nemoclaw status`.',
        ].join('\n'),
        title: 'modern',
      },
      // gateway_other_active: selection, and an environment override
      ...[LEGACY, MODERN].map((ctx) => ({
        ctx: {...ctx, activeGateway: 'openshell'},
        id: 'gateway_other_active' as const,
        text: [
          "Gateway 'openshell' is active, but the sandboxes live on gateway 'nemoclaw'; plain openshell commands go to the wrong gateway.",
          '  1. Select it: `openshell gateway select nemoclaw` (or run `nemoclaw recover`).',
          '  2. Then run `nemoclaw status`.',
        ].join('\n'),
        title: `${ctx.generation}, another gateway selected`,
      })),
      {
        ctx: {...MODERN, activeGateway: undefined},
        id: 'gateway_other_active',
        text: [
          "Gateway '(none)' is active, but the sandboxes live on gateway 'nemoclaw'; plain openshell commands go to the wrong gateway.",
          '  1. Select it: `openshell gateway select nemoclaw` (or run `nemoclaw recover`).',
          '  2. Then run `nemoclaw status`.',
        ].join('\n'),
        title: 'modern, nothing selected',
      },
      ...[LEGACY, MODERN].map((ctx) => ({
        ctx: {...ctx, activeGateway: 'x', envOverride: {value: 'x', variable: 'OPENSHELL_GATEWAY'}},
        id: 'gateway_other_active' as const,
        text: [
          "OPENSHELL_GATEWAY=x overrides the gateway selection, but the sandboxes live on gateway 'nemoclaw'; plain openshell commands go to the wrong gateway.",
          '  1. Unset the override: `unset OPENSHELL_GATEWAY`.',
          "  2. Then select the sandboxes' gateway: `openshell gateway select nemoclaw`.",
        ].join('\n'),
        title: `${ctx.generation}, OPENSHELL_GATEWAY override`,
      })),
      // sandbox classes: the same words in both generations
      ...[LEGACY, MODERN].flatMap((ctx) => [
        {
          ctx,
          id: 'sandbox_missing' as const,
          text: [
            "Gateway 'nemoclaw' is healthy and active but has no sandbox 'alpha' (the gateway was rebuilt or the sandbox deleted). Its record was moved to `pruned.jsonl`.",
            '  1. Create it again: `nemoclaw onboard --name alpha`.',
            '  2. See removed records: `nemoclaw list --pruned`.',
          ].join('\n'),
          title: ctx.generation!,
        },
        {
          ctx: {...ctx, phase: 'Provisioning'},
          id: 'sandbox_not_ready' as const,
          text: [
            "Sandbox 'alpha' is Provisioning: not ready yet (after a gateway restart its supervisor reconnects).",
            '  1. Wait a moment, then run `nemoclaw status alpha`.',
            '  2. If it stays so, read its logs: `nemoclaw logs alpha`.',
          ].join('\n'),
          title: `${ctx.generation}, Provisioning`,
        },
        {
          ctx: {...ctx, phase: 'Error'},
          id: 'sandbox_error' as const,
          text: [
            ctx.generation === 'modern'
              ? "Sandbox 'alpha' is in Error: its main process exited or it failed to start. OpenShell can neither stop nor start a sandbox in Error: only delete and create, which nemoclaw never does on its own."
              : "Sandbox 'alpha' is in Error: its main process exited or it failed to start.",
            '  1. Read its logs: `nemoclaw logs alpha`.',
            '  2. Recreate it — WARNING: replaces this sandbox and its files: `nemoclaw onboard --name alpha --recreate`.',
          ].join('\n'),
          title: ctx.generation!,
        },
        {
          ctx: {...ctx, phase: 'Stopped'},
          id: 'sandbox_stopped' as const,
          text: (ctx.generation === 'modern'
            ? [
                "Sandbox 'alpha' is Stopped: it is not running.",
                '  1. Start it (its workspace is kept): `nemoclaw recover alpha` (runs `openshell sandbox start alpha` and waits until it is Ready).',
                '  2. Then run `nemoclaw status alpha`.',
              ]
            : [
                "Sandbox 'alpha' is Stopped: it is not running.",
                '  1. This OpenShell version cannot start a stopped sandbox; read its logs: `nemoclaw logs alpha`.',
                '  2. Recreate it — WARNING: replaces this sandbox and its files: `nemoclaw onboard --name alpha --recreate`.',
              ]
          ).join('\n'),
          title: `${ctx.generation}, Stopped`,
        },
        {
          ctx: {...ctx, gateway: 'lab', phase: 'Completed'},
          id: 'sandbox_stopped' as const,
          text: [
            "Sandbox 'alpha' is Completed: it is not running.",
            '  1. This OpenShell version cannot start a stopped sandbox; read its logs: `nemoclaw logs alpha`.',
            '  2. Recreate it — WARNING: replaces this sandbox and its files: `nemoclaw onboard --name alpha --recreate`.',
          ].join('\n'),
          title: `${ctx.generation}, Completed on another gateway name`,
        },
      ]),
      {
        ctx: {...MODERN, phase: 'Provisioning', trustReimported: true},
        id: 'sandbox_not_ready',
        text: [
          "Sandbox 'alpha' stays Provisioning after the gateway's CA was rotated: its supervisor still holds the old CA and sandbox token, so it cannot reconnect (OpenShell cannot re-key a running sandbox).",
          '  1. Read its logs: `nemoclaw logs alpha`.',
          '  2. Recreate it — WARNING: replaces this sandbox and its files: `nemoclaw onboard --name alpha --recreate`.',
        ].join('\n'),
        title: 'modern, Provisioning after a trust re-import',
      },
      {
        ctx: {gateway: 'nemoclaw'},
        id: 'sandbox_not_ready',
        text: [
          "Sandbox '<name>' is not ready: not ready yet (after a gateway restart its supervisor reconnects).",
          '  1. Wait a moment, then run `nemoclaw status <name>`.',
          '  2. If it stays so, read its logs: `nemoclaw logs <name>`.',
        ].join('\n'),
        title: 'no sandbox, no phase',
      },
      // probe_timeout
      {
        ctx: {...LEGACY, hungCommand: 'openshell status', timeoutMs: 1500},
        id: 'probe_timeout',
        text: [
          '`openshell status` did not answer within 1.5s.',
          '  1. Check that Docker and the gateway container are running: `docker ps --filter name=openshell`.',
          '  2. Run `nemoclaw doctor` for a full diagnosis.',
          '  3. On a slow machine, raise the limit: `export NEMOCLAW_PROBE_TIMEOUT_MS=30000`.',
        ].join('\n'),
        title: 'legacy',
      },
      {
        ctx: {...MODERN, hungCommand: 'openshell sandbox list', timeoutMs: 10_000},
        id: 'probe_timeout',
        text: [
          '`openshell sandbox list` did not answer within 10s.',
          '  1. Check the gateway service: `systemctl --user status openshell-gateway`.',
          '  2. Run `nemoclaw doctor` for a full diagnosis.',
          '  3. On a slow machine, raise the limit: `export NEMOCLAW_PROBE_TIMEOUT_MS=30000`.',
        ].join('\n'),
        title: 'modern',
      },
      {
        ctx: MODERN,
        id: 'probe_timeout',
        text: [
          '`openshell` did not answer within the probe timeout.',
          '  1. Check the gateway service: `systemctl --user status openshell-gateway`.',
          '  2. Run `nemoclaw doctor` for a full diagnosis.',
          '  3. On a slow machine, raise the limit: `export NEMOCLAW_PROBE_TIMEOUT_MS=30000`.',
        ].join('\n'),
        title: 'modern, no command or timeout known',
      },
      // unknown
      ...[LEGACY, MODERN].map((ctx) => ({
        ctx: {...ctx, message: 'something odd'},
        id: 'unknown' as const,
        text: [
          'openshell failed in a way nemoclaw does not recognise: something odd',
          '  1. Run `nemoclaw doctor --json` and include its output when you report this.',
        ].join('\n'),
        title: `${ctx.generation}, with a message`,
      })),
      {
        ctx: {gateway: 'nemoclaw'},
        id: 'unknown',
        text: [
          'openshell failed in a way nemoclaw does not recognise.',
          '  1. Run `nemoclaw doctor --json` and include its output when you report this.',
        ].join('\n'),
        title: 'no message',
      },
    ]

    for (const c of cases) {
      it(`${c.id} (${c.title})`, () => {
        expect(render(c.id, c.ctx)).to.equal(c.text)
        // pure: the same context renders the same words again
        expect(render(c.id, {...c.ctx})).to.equal(c.text)
      })
    }

    it('covers every class in both generations', () => {
      for (const gen of ['legacy', 'modern'] as const) {
        const covered = new Set(cases.filter((c) => c.ctx.generation === gen).map((c) => c.id))
        // Only versions older than 0.0.10 are unsupported, and those are all legacy.
        const expected = gen === 'modern' ? ['openshell_unsupported'] : []
        expect(
          [...CLASS_IDS].filter((id) => !covered.has(id)),
          gen,
        ).to.deep.equal(expected)
      }
    })

    it('modern guidance never names legacy-only lifecycle commands, legacy never names modern-only ones', () => {
      for (const id of CLASS_IDS) {
        const modern = render(id, {...MODERN, activeGateway: 'x', hungCommand: 'openshell status', phase: 'Stopped'})
        expect(modern, id).not.to.match(/openshell gateway (start|stop|destroy)\b/)
        const legacy = render(id, {...LEGACY, activeGateway: 'x', hungCommand: 'openshell status', phase: 'Stopped'})
        expect(legacy, id).not.to.match(/openshell gateway (add|remove|login|logout)\b|systemctl|journalctl/)
      }
    })

    it('a destructive suggestion is only ever the last step, and carries a WARNING', () => {
      const destructive = /--recreate|gateway destroy|sandbox delete|fresh state/
      for (const id of CLASS_IDS) {
        for (const ctx of [LEGACY, MODERN, {...MODERN, serviceUnit: false}]) {
          const {steps} = guidanceFor(id, ctx)
          steps.forEach((step, i) => {
            if (!destructive.test(step)) return
            expect(i, `${id}: ${step}`).to.equal(steps.length - 1)
            expect(step).to.include('WARNING')
          })
          if (steps.length > 0) expect(steps[0], id).not.to.match(destructive)
        }
      }
    })

    it('renderGuidance: diagnosis alone when there are no steps, else numbered steps indented by two', () => {
      expect(renderGuidance({diagnosis: 'D', exitCode: 0, id: 'ok', steps: []})).to.equal('D')
      expect(renderGuidance({diagnosis: 'D', exitCode: 1, id: 'unknown', steps: ['a', 'b']})).to.equal(
        'D\n  1. a\n  2. b',
      )
    })
  })
})

describe('gateway/classes: context variants', () => {
  it('trust rotated on modern without a local TLS bundle does not promise an automatic re-import', () => {
    const g = guidanceFor('gateway_trust_rotated', {
      endpoint: 'https://127.0.0.1:17670',
      gateway: 'nemoclaw',
      generation: 'modern',
      localBundle: false,
    })
    expect(renderGuidance(g)).to.equal(
      [
        "Gateway 'nemoclaw' presents a certificate from a CA this machine does not trust: it was rebuilt or its certificates rotated. Its sandboxes may still exist.",
        "  1. The local gateway's TLS bundle was not found, so nemoclaw cannot re-import trust: put the gateway's current `ca.crt`, `client/tls.crt` and `client/tls.key` in `$OPENSHELL_LOCAL_TLS_DIR` (default `~/.local/state/openshell/tls`), then run `nemoclaw recover`.",
        '  2. Then run `nemoclaw status` to see which sandboxes survived.',
      ].join('\n'),
    )
  })

  it('missing client certificates are said as such, with the same repair', () => {
    const g = guidanceFor('gateway_trust_rotated', {certsMissing: true, gateway: 'nemoclaw', generation: 'legacy'})
    expect(g.diagnosis).to.equal(
      "The client certificates of gateway 'nemoclaw' are missing or unreadable, so nothing can talk to it. Its sandboxes may still exist.",
    )
    expect(g.steps[0]).to.include('openshell gateway start --name nemoclaw')
  })

  it('sandbox_missing seen read-only says the record is still registered', () => {
    const g = guidanceFor('sandbox_missing', {gateway: 'nemoclaw', recordKept: true, sandbox: 'alpha'})
    expect(g.diagnosis).to.equal(
      "Gateway 'nemoclaw' is healthy and active but has no sandbox 'alpha' (the gateway was rebuilt or the sandbox deleted). Its record is still registered; `nemoclaw status` moves it to `pruned.jsonl`.",
    )
  })

  it('probe_timeout states the timeout that was used', () => {
    expect(
      guidanceFor('probe_timeout', {
        gateway: 'nemoclaw',
        generation: 'modern',
        hungCommand: 'openshell sandbox list',
        timeoutMs: 1500,
      }).diagnosis,
    ).to.equal('`openshell sandbox list` did not answer within 1.5s.')
  })
})
