/**
 * bench/worker-data.bench.ts's worker: the loaders of the data files a job's thread uses (the list of
 * src/cli/job-threads.ts jobDataForWorker), their modules only — none reads a file at import — and posts the
 * CPU the loaders took (the parent waits idle meanwhile, so the process's CPU is this thread's).
 */
import { parentPort } from 'node:worker_threads';
import { allMaterials } from '../src/materials/library.ts';
import { mechanicalProperties } from '../src/materials/mechanics.ts';
import { liAlData } from '../src/materials/li-al.ts';
import { canonicalCathodeId } from '../src/electrochem/ssb/params.ts';
import { ageingDatasets, ageingParameterRecords } from '../src/electrochem/ssb/ageing-data.ts';
import { chartConstantsTable } from '../src/process/production/spc.ts';

const c0 = process.cpuUsage();
allMaterials();
mechanicalProperties('Cu');
liAlData();
canonicalCathodeId('NCM811');
ageingParameterRecords();
ageingDatasets();
chartConstantsTable();
const c = process.cpuUsage(c0);
parentPort?.postMessage({ check_cpu_ms: (c.user + c.system) / 1000 });
