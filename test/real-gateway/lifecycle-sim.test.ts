// The lifecycle scenario table (lifecycle-table.ts) against the simulator's 0.0.111 profile, calibrated to the real
// gateway (test/simulator/real-gateway-0_0_111.test.ts): the same cases must pass on both.
import {lifecycleSuite, SIM_BACKEND} from './lifecycle-table.js'

lifecycleSuite(SIM_BACKEND)
