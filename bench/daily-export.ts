/**
 * A regional programme's daily export for the load-under-traffic benchmark: S services (default 500, the page-speed
 * benchmark's "large programme") with one uptake snapshot a day for as many days as it takes to reach N rows
 * (1,000,000 rows = 500 services × 2,000 days, ending 06/02/2017). Consistent, growing counts (approached ≥ consented
 * ≥ registered ≥ each shared_*), UK dates, every service live before the first snapshot, so every check passes.
 * Deterministic (seeded, bench/uptake-export.ts's generator), so both loads in a run read the same bytes.
 *
 * The programme and services files are loaded before the traffic starts; the uptake file is the 1,000,000-row load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seeded, serviceLine, SERVICES_HEADER, ukDate, uptakeLine, UPTAKE_HEADER } from './uptake-export.ts';

export interface DailyExport {
  programme: string;
  services: string;
  uptake: string;
  rows: number;
  services_: number;
  days: number;
  firstAsOf: string;
  lastAsOf: string;
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const DAY = 86_400_000;
const LAST = Date.UTC(2017, 1, 6);

export function generateDailyExport(folder: string, rows: number, serviceCount = 500): DailyExport {
  mkdirSync(folder, { recursive: true });
  const days = Math.ceil(rows / serviceCount);
  const first = LAST - (days - 1) * DAY;
  const random = seeded(20170206);
  const id = (s: number) => `SVC${String(s + 1).padStart(4, '0')}`;

  const programme = join(folder, 'programme.csv');
  // Launched, approached and live well before the first snapshot, so no date check fires.
  const launched = first - 400 * DAY;
  writeFileSync(programme, `programme,launched_on\nRegional programme (benchmark),${ukDate(new Date(launched))}\n`);

  const services = join(folder, 'services.csv');
  const growth: { start: number; perDay: number; consent: number; register: number }[] = [];
  const serviceLines = [SERVICES_HEADER];
  for (let s = 0; s < serviceCount; s++) {
    const approached = launched + Math.floor(random() * 200) * DAY;
    const live = approached + (30 + Math.floor(random() * 60)) * DAY;
    serviceLines.push(
      serviceLine(s, id(s), random, {
        approached: new Date(approached),
        planned: new Date(approached + 60 * DAY),
        live: new Date(live)
      })
    );
    growth.push({
      start: Math.floor(random() * 50),
      perDay: 0.05 + random(),
      consent: 0.5 + random() * 0.4,
      register: 0.3 + random() * 0.6
    });
  }
  writeFileSync(services, serviceLines.join('\n') + '\n');

  const uptake = join(folder, `uptake-${isoDate(new Date(LAST))}.csv`);
  const chunks: string[] = [UPTAKE_HEADER + '\n'];
  let written = 0;
  for (let t = 0; t < days && written < rows; t++) {
    const asOf = ukDate(new Date(first + t * DAY));
    const lines: string[] = [];
    for (let s = 0; s < serviceCount && written < rows; s++, written++) {
      const g = growth[s];
      lines.push(uptakeLine(asOf, id(s), g.start + Math.floor(g.perDay * t), g));
    }
    chunks.push(lines.join('\n') + '\n');
  }
  writeFileSync(uptake, chunks.join(''));
  return {
    programme,
    services,
    uptake,
    rows: written,
    services_: serviceCount,
    days,
    firstAsOf: isoDate(new Date(first)),
    lastAsOf: isoDate(new Date(LAST))
  };
}
