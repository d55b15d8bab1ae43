/**
 * Writes a large, realistic export in Uptake's templates for the load benchmark: an `uptake` file of exactly N rows
 * (monthly snapshots, UK dd/mm/yyyy dates, consistent counts: approached ≥ consented ≥ registered ≥ each shared_*,
 * counts growing month by month), with the programme and services files it refers to, so the loader's checks all pass.
 * Deterministic (seeded), so every run measures the same bytes.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../pipeline/warehouse/schema.ts';

/** Monthly snapshots, the last on 06/02/2017 (the CIE report's as-of date); ten years of them. */
export const MONTHS = 120;

export interface GeneratedExport {
  folder: string;
  programme: string;
  services: string;
  uptake: string;
  rows: number;
  serviceCount: number;
  asOfDates: number;
}

/** mulberry32: a tiny seeded generator, so the file is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const two = (n: number) => String(n).padStart(2, '0');
/** dd/mm/yyyy, the templates' UK date. */
export const ukDate = (d: Date) => `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;

export const SERVICES_HEADER =
  'service_id,service_name,organisation,setting,specialty,sensitive,in_original_bid,approached_on,planned_live_on,live_on';

/**
 * Service number `s`'s line of the services file: its trust, setting and specialty, two draws for its flags, its dates.
 */
export function serviceLine(
  s: number,
  serviceId: string,
  random: () => number,
  dates: { approached: Date; planned: Date; live: Date }
): string {
  return [
    serviceId,
    `Service ${s + 1}`,
    `Trust ${(s % 40) + 1}`,
    SETTINGS[s % SETTINGS.length],
    `specialty ${s % 30}`,
    random() < 0.1 ? 'yes' : 'no',
    random() < 0.5 ? 'yes' : 'no',
    ukDate(dates.approached),
    ukDate(dates.planned),
    ukDate(dates.live)
  ].join(',');
}

export const UPTAKE_HEADER =
  'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional';

/** One line of the uptake file, its counts consistent: approached ≥ consented ≥ registered ≥ each shared_*. */
export function uptakeLine(
  asOf: string,
  serviceId: string,
  approached: number,
  rates: { consent: number; register: number }
): string {
  const consented = Math.floor(approached * rates.consent);
  const registered = Math.floor(consented * rates.register);
  return `${asOf},${serviceId},${approached},${consented},${registered},${Math.floor(registered * 0.05)},${Math.floor(registered * 0.03)}`;
}

/** The as-of dates: the 6th of each month, oldest first, ending 2017-02-06. */
export function asOfDates(count: number): Date[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(2017, 1 - (count - 1 - i), 6)));
}

/** Buffers lines and writes them in large chunks: writing a 50 MB file line by line would dominate the run. */
export function lineWriter(path: string) {
  const fd = openSync(path, 'w');
  let buffer: string[] = [];
  return {
    line(text: string) {
      buffer.push(text);
      if (buffer.length >= 20000) this.flush();
    },
    flush() {
      if (buffer.length) writeSync(fd, buffer.join('\n') + '\n');
      buffer = [];
    },
    close() {
      this.flush();
      closeSync(fd);
    }
  };
}

export function generateUptakeExport(folder: string, rows: number): GeneratedExport {
  mkdirSync(folder, { recursive: true });
  const asOfDateCount = Math.min(MONTHS, rows);
  const serviceCount = Math.ceil(rows / asOfDateCount);
  const dates = asOfDates(asOfDateCount);
  const random = seeded(20170206);
  const id = (s: number) => `SVC${String(s + 1).padStart(6, '0')}`;

  const programme = join(folder, 'programme.csv');
  const programmeFile = lineWriter(programme);
  programmeFile.line('programme,launched_on');
  programmeFile.line(`Benchmark programme,${ukDate(new Date(Date.UTC(2006, 0, 2)))}`);
  programmeFile.close();

  // Every service is approached and live before the first snapshot, so no date check fires.
  const services = join(folder, 'services.csv');
  const servicesFile = lineWriter(services);
  servicesFile.line(SERVICES_HEADER);
  const growth: { start: number; perMonth: number; consent: number; register: number }[] = [];
  for (let s = 0; s < serviceCount; s++) {
    const approached = new Date(Date.UTC(2006, 0, 2 + Math.floor(random() * 300)));
    const live = new Date(approached.getTime() + (30 + Math.floor(random() * 60)) * 86400000);
    const planned = new Date(approached.getTime() + 60 * 86400000);
    servicesFile.line(serviceLine(s, id(s), random, { approached, planned, live }));
    growth.push({
      start: Math.floor(random() * 50),
      perMonth: 1 + Math.floor(random() * 20),
      consent: 0.5 + random() * 0.4,
      register: 0.3 + random() * 0.6
    });
  }
  servicesFile.close();

  const uptake = join(folder, 'uptake-2017-02-06.csv');
  const uptakeFile = lineWriter(uptake);
  uptakeFile.line(UPTAKE_HEADER);
  let written = 0;
  for (let t = 0; t < dates.length && written < rows; t++) {
    const asOf = ukDate(dates[t]);
    for (let s = 0; s < serviceCount && written < rows; s++, written++) {
      const g = growth[s];
      uptakeFile.line(uptakeLine(asOf, id(s), g.start + g.perMonth * t, g));
    }
  }
  uptakeFile.close();
  return { folder, programme, services, uptake, rows: written, serviceCount, asOfDates: asOfDateCount };
}
