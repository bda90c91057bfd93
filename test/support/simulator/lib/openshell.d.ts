// Types of what test/support/inprocess.ts uses (the simulator is plain JS).
export function callInProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{code: number; stdout: string; stderr: string} | undefined>
export function main(argv: string[]): Promise<void>
export function callInProcessSync(
  argv: string[],
  env: NodeJS.ProcessEnv,
): {code: number; stdout: string; stderr: string} | undefined
