// `npm run build`: compile (tsc), bundle the fast path (scripts/bundle.js) and write the oclif manifest — unless
// dist/ was already built from exactly these sources, in which case it does nothing. Under a lock, so that two
// `npm test` runs started together on one checkout build once, and a build never pulls dist/ from under a run that
// is using it when nothing changed. NEMOCLAW_FORCE_BUILD=1 rebuilds anyway.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import lockfile from 'proper-lockfile'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = path.join(root, 'dist')
const stampFile = path.join(dist, '.build-stamp')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

function files(dir) {
  return fs
    .readdirSync(dir, {withFileTypes: true})
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}

/** What the build reads: its sources, its configuration and the installed dependency versions. */
function stamp() {
  const inputs = [
    ...files(path.join(root, 'src')),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.js', 'scripts/bundle.js'].map((f) =>
      path.join(root, f),
    ),
  ]
  const hash = createHash('sha256')
  for (const f of inputs.sort()) {
    hash.update(path.relative(root, f) + '\0')
    hash.update(fs.existsSync(f) ? fs.readFileSync(f) : '<none>')
    hash.update('\0')
  }

  return hash.digest('hex')
}

const release = await lockfile.lock(root, {
  lockfilePath: path.join(root, '.build.lock'),
  retries: {factor: 1.2, maxTimeout: 2000, minTimeout: 100, retries: 400},
  stale: 120_000,
})
try {
  const want = stamp()
  const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : ''
  if (
    have === want &&
    fs.existsSync(path.join(root, 'oclif.manifest.json')) &&
    process.env.NEMOCLAW_FORCE_BUILD !== '1'
  ) {
    console.log('build: dist/ is up to date')
  } else {
    fs.rmSync(dist, {force: true, recursive: true})
    execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'})
    execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.js')], {cwd: root, stdio: 'inherit'})
    // OCLIF_SKIP_NEW_VERSION_CHECK: the oclif dev CLI's documented switch for its "update available" notice (oclif ≥ 5
    // needs Node 22; 4.24.0 stays).
    execFileSync(bin('oclif'), ['manifest'], {
      cwd: root,
      env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
      stdio: 'inherit',
    })
    fs.writeFileSync(stampFile, want + '\n')
  }
} finally {
  await release()
}
