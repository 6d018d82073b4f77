/** The loaders of the data files a job's threads use, and their values (for test/data/handed.test.ts). */
import { allMaterials } from '../../src/materials/library.ts';
import { mechanicalProperties } from '../../src/materials/mechanics.ts';
import { liAlData } from '../../src/materials/li-al.ts';
import { canonicalCathodeId, patentExampleParams } from '../../src/electrochem/ssb/params.ts';
import { ageingDatasets, ageingParameterRecords } from '../../src/electrochem/ssb/ageing-data.ts';
import { chartConstantsTable } from '../../src/process/production/spc.ts';

export function loadJobData(): Record<string, unknown> {
  return {
    materials: allMaterials(),
    cu: mechanicalProperties('Cu'),
    liAl: liAlData(),
    cathode: canonicalCathodeId('NMC811'),
    ssb: patentExampleParams(),
    ageing: ageingParameterRecords(),
    datasets: ageingDatasets(),
    spc: chartConstantsTable(),
  };
}
