/** sandboxes: every record's live verdict from ONE reconcile (one list per gateway; nothing is pruned here). */
import {worstClass} from '../../gateway/classes.js'
import {decide} from '../../reconcile/decide.js'
import type {DoctorContext} from '../context.js'
import {statusOfClass, uniqueLines, worstStatus} from '../format.js'
import type {Check, CheckResult} from '../types.js'

export const sandboxesCheck: Check<DoctorContext> = {
  id: 'sandboxes',
  title: 'Sandboxes',
  async run(ctx): Promise<CheckResult> {
    const reg = await ctx.registry()
    if (reg.problem) return {detail: 'The registry cannot be read; see the registry check.', status: 'skip'}
    const records = await ctx.records()
    if (records.length === 0) return {detail: 'No sandboxes are registered.', status: 'pass'}
    const {verdicts} = decide(records, await ctx.live(), {readOnly: true})
    const statuses = verdicts.map((v) => statusOfClass(v.classId))
    const lines = verdicts.map(
      (v) => `'${v.name}' on '${v.gateway}' [${v.classId}${v.phase ? `, ${v.phase}` : ''}]: ${v.guidance.diagnosis}`,
    )
    const fixes = uniqueLines(verdicts.filter((v) => v.classId !== 'ok').flatMap((v) => v.guidance.steps))
    const counts = `${verdicts.filter((v) => v.classId === 'ok').length} of ${verdicts.length} sandbox(es) Ready.`
    const r: CheckResult = {
      classId: worstClass(verdicts.map((v) => v.classId)),
      detail: [counts, ...lines].join('\n'),
      status: worstStatus(statuses),
    }
    if (fixes.length > 0) r.fix = fixes.join('\n')
    return r
  },
}
