// Preload (`node --import ./bench/rusage.mjs …`): at exit, write process.resourceUsage() as JSON to the file named
// by BENCH_RUSAGE_FILE. Used by bench/run.js for peak RSS when /usr/bin/time is not installed.
import fs from 'node:fs'

const file = process.env.BENCH_RUSAGE_FILE
if (file) {
  delete process.env.BENCH_RUSAGE_FILE // not for child processes
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify(process.resourceUsage())))
}
