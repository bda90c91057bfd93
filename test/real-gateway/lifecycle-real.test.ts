// The lifecycle scenario table (lifecycle-table.ts) against the REAL OpenShell 0.0.111 gateway with Docker sandboxes.
import {lifecycleSuite, REAL_BACKEND} from './lifecycle-table.js'

lifecycleSuite(REAL_BACKEND)
