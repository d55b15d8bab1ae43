/**
 * A large but valid export for the kill -9 tests: a services file and one uptake file of SERVICES × AS_OF_DATES rows
 * (2,000 × 100 = 200,000), big enough that the load spends real time inside its transaction.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICES = 2000;
export const AS_OF_DATES = 100;
export const LARGE_ROWS = SERVICES * AS_OF_DATES;

/** Weekly as-of dates from Monday 5 January 2015; the last is 23 November 2016. */
function asOf(week: number): string {
  return new Date(Date.UTC(2015, 0, 5 + 7 * week)).toISOString().slice(0, 10);
}

export function writeLargeExport(folder: string): string[] {
  const services = ['service_id,service_name,organisation,setting,sensitive,in_original_bid,approached_on,live_on'];
  for (let s = 0; s < SERVICES; s++)
    services.push(`S${s},Service ${s},Trust ${s % 7},acute,no,no,2014-01-06,2014-06-02`);
  const uptake = ['as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional'];
  for (let w = 0; w < AS_OF_DATES; w++) {
    const date = asOf(w);
    for (let s = 0; s < SERVICES; s++) uptake.push(`${date},S${s},${100 + w},${80 + w},${60 + w},${w % 5},${w % 3}`);
  }
  const servicesPath = join(folder, 'services.csv');
  const uptakePath = join(folder, 'uptake-weekly.csv');
  writeFileSync(servicesPath, services.join('\n') + '\n');
  writeFileSync(uptakePath, uptake.join('\n') + '\n');
  return [servicesPath, uptakePath];
}
