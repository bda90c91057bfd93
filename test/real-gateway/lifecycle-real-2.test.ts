// The lifecycle scenario table (lifecycle-table.ts) against the REAL OpenShell 0.0.111 gateway with Docker sandboxes,
// part 2 of 2 (part 1: lifecycle-real-1.test.ts; the halves run in parallel, each scenario has a world of its own).
import {lifecycleSuite, REAL_BACKEND} from './lifecycle-table.js'

lifecycleSuite(REAL_BACKEND, 2)
