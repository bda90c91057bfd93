// Types of what the test harness uses (the simulator is plain JS).
export function callInProcess(args: string[], env: NodeJS.ProcessEnv): {code: number; stdout: string; stderr: string}
export function main(args: string[], env?: NodeJS.ProcessEnv): Promise<void>
