// Types of what the test harness uses (the simulator is plain JS).
/** The file where the simulator records each call when it starts (JSON lines {t, pid, cmd, argv}). */
export function startedLogPath(stateFile: string): string
