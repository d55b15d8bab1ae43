/**
 * Writes a large long-format export in the shape of the national GP practice publication for the load benchmark: one
 * row per practice, month and field, under the header
 *   report_period_end,region_code,region_name,subregion_code,subregion_name,ccg_code,ccg_name,practice_code,
 *   practice_name,system_supplier,field,value
 * with dates written like 30APR2018 (the last day of the month). Seven fields per practice and month, two of which the
 * benchmark's profile maps (list size → eligible, patients enabled → registered) and five it ignores, as a real
 * profile does. Counts are consistent (enabled ≤ list size), so the load's checks all pass. Seeded, so every run
 * measures the same bytes; `practices` are the units, and the profile carries their hierarchy from the same rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../pipeline/load/profile.ts';
import { lineWriter, seeded } from './uptake-export.ts';

/** Fields per practice and month, in the publication's own names; the first two are mapped by LONG_PROFILE. */
export const LONG_FIELDS = [
  'Patient_List_Size',
  'Total_Pat_Enbld',
  'Pat_Appts_Enbld',
  'Pat_Presc_Enbld',
  'Pat_DetCodeRec_Enbld',
  'Pat_Appts_Use',
  'Pat_Presc_Use'
];
export const LONG_MONTHS = 24;

/**
 * The benchmark's profile for that shape: the former built-in `practice-monthly-long` (now
 * tests/fixtures/load/profiles/) with the publication's header names as aliases (its period column is
 * `report_period_end`); the built-in for the real publication is `nhs-pomi-practice`. Written beside the export so a
 * run can be repeated with `uptake load <file> --profile <that file>`.
 */
export const LONG_PROFILE: Profile = {
  name: 'bench-national-practice-long',
  description: 'The load benchmark: a long export in the national GP practice publication shape.',
  tables: [
    {
      kind: 'uptake',
      match: ['*'],
      layout: 'long',
      dateFormats: ['%d%b%Y'],
      columns: { as_of: ['report_period_end'], service_id: ['practice_code'] },
      valueMaps: {},
      long: {
        measureColumn: ['field'],
        valueColumn: ['value'],
        // The model's required measures that this publication does not have are named as in practice-monthly-long:
        // no row carries them, so they load as not reported.
        measures: {
          eligible: ['Patient_List_Size'],
          registered: ['Total_Pat_Enbld'],
          approached: ['Pat_Offered'],
          consented: ['Pat_Consented'],
          shared_with_carer: ['Pat_Shared_Carer'],
          shared_with_professional: ['Pat_Shared_Prof']
        },
        ignoreOtherMeasures: true
      },
      units: {
        columns: { service_name: ['practice_name'], organisation: ['ccg_code'], parent_unit: ['region_code'] },
        defaults: { setting: 'primary care', sensitive: 'no', in_original_bid: 'no' }
      }
    }
  ]
};

export interface GeneratedLongExport {
  file: string;
  profile: string;
  rows: number;
  practices: number;
  months: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** 30APR2018: the last day of the month, as the publication writes it. */
function periodEnd(monthIndex: number): string {
  const end = new Date(Date.UTC(2018, monthIndex + 1, 0));
  return `${String(end.getUTCDate()).padStart(2, '0')}${MONTHS[end.getUTCMonth()]}${end.getUTCFullYear()}`;
}

export function generateLongExport(folder: string, rows: number): GeneratedLongExport {
  mkdirSync(folder, { recursive: true });
  const months = Math.min(LONG_MONTHS, Math.ceil(rows / LONG_FIELDS.length));
  const practices = Math.ceil(rows / (LONG_FIELDS.length * months));
  const random = seeded(20180430);
  const suppliers = ['EMIS', 'TPP', 'VISION', 'MICROTEST'];
  const practice = Array.from({ length: practices }, (_, p) => {
    const region = p % 7;
    const subregion = p % 42;
    const ccg = p % 191;
    return {
      units: [
        `Y${String(56 + region).padStart(4, '0')}`,
        `REGION ${region + 1}`,
        `Q${String(70 + subregion).padStart(2, '0')}`,
        `SUBREGION ${subregion + 1}`,
        `${String(ccg + 1).padStart(2, '0')}${String.fromCharCode(65 + (ccg % 26))}`,
        `NHS CCG ${ccg + 1}`,
        `${String.fromCharCode(65 + (p % 26))}${String(81000 + p).padStart(5, '0')}`,
        `"THE PRACTICE ${p + 1}, HIGH STREET"`,
        suppliers[p % suppliers.length]
      ].join(','),
      listSize: 2000 + Math.floor(random() * 15000),
      start: random() * 0.2,
      growth: random() * 0.02
    };
  });
  const file = join(folder, 'national-practice-long.csv');
  const out = lineWriter(file);
  out.line(
    'report_period_end,region_code,region_name,subregion_code,subregion_name,ccg_code,ccg_name,practice_code,practice_name,system_supplier,field,value'
  );
  let written = 0;
  for (let m = 0; m < months && written < rows; m++) {
    const period = periodEnd(m);
    for (const p of practice) {
      const list = p.listSize + m * 10;
      const enabled = Math.floor(list * Math.min(p.start + p.growth * m, 0.9));
      const values = [list, enabled, enabled, Math.floor(enabled * 0.8), Math.floor(enabled * 0.3), 0, 0];
      values[5] = Math.floor(values[2] * 0.1);
      values[6] = Math.floor(values[3] * 0.2);
      for (let f = 0; f < LONG_FIELDS.length && written < rows; f++, written++) {
        out.line(`${period},${p.units},${LONG_FIELDS[f]},${values[f]}`);
      }
    }
  }
  out.close();
  const profile = join(folder, 'bench-national-practice-long.json');
  writeFileSync(profile, JSON.stringify(LONG_PROFILE, null, 2) + '\n');
  return { file, profile, rows: written, practices, months };
}
