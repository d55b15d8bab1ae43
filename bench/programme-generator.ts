/**
 * A large programme in Uptake's four templates (docs/templates.md), for the page-speed benchmark (pages.ts): by default
 * 500 services × 36 monthly snapshots, a large regional programme. It writes programme.csv, services.csv, features.csv
 * and one uptake-YYYY-MM-DD.csv per as-of date into a folder, ready for `uptake load <folder>` / loadPaths.
 *
 * What it looks like, so the pages have realistic work to do:
 *  - the five settings in a skewed mix (most services acute), spread over ~1 organisation per 8 services;
 *  - services approached at any time from launch to two months before the last snapshot; about two in five are not
 *    live at the last snapshot (primary care rarely goes live), and many go live late against plan, so the timeline
 *    has slippage and open bars;
 *  - the five core tabs for each live service (now and then one switched off), a few being configured (enabled = no)
 *    for services still in setup, and 0–6 additional features enabled after go-live;
 *  - every service reports in every snapshot (zeros until it is live), so the warehouse holds exactly
 *    services × snapshots uptake rows; counts only grow, and approached ≥ consented ≥ registered ≥ each shared_*;
 *    one service in five gives an eligible population.
 * Every actual date is on or before the last as-of date, so the loader's checks all pass. Seeded: the same arguments
 * write the same bytes on every run, and nothing reads the clock.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asOfDates, seeded } from './uptake-export.ts';

export const DEFAULT_SERVICES = 500;
export const DEFAULT_SNAPSHOTS = 36;

export const CORE_FEATURES = ['general library', 'discussions', 'laboratory', 'imaging', 'calendar'];
export const ADDITIONAL_FEATURES = [
  'messaging',
  'service-specific library',
  'care plan',
  'clinic letters',
  'symptom diary',
  'questionnaires'
];

/** The settings and their share of services: most programmes start in acute trusts. */
const SETTING_MIX: [setting: string, share: number, liveChance: number][] = [
  ['acute', 0.5, 0.85],
  ['mental health', 0.15, 0.75],
  ['community', 0.15, 0.65],
  ['primary care', 0.12, 0.2],
  ['social care', 0.08, 0.5]
];
const ORGANISATION_KIND: Record<string, string> = {
  acute: 'Hospitals NHS Trust',
  'mental health': 'Mental Health NHS Foundation Trust',
  community: 'Community Health NHS Trust',
  'primary care': 'GP Practice Group',
  'social care': 'Council adult social care'
};
const SPECIALTIES = [
  'rheumatology',
  'renal medicine',
  'haematology',
  'hepatology',
  'gynaecology',
  'diabetes',
  'respiratory medicine',
  'cardiology',
  'oncology',
  'psychiatry',
  'care of older people',
  'general practice',
  'paediatrics',
  'dermatology',
  'neurology'
];

export interface GeneratedProgramme {
  folder: string;
  services: number;
  snapshots: number;
  /** Services live at the last as-of date. */
  live: number;
  uptakeRows: number;
  featureRows: number;
  /** ISO, oldest first. */
  asOfDates: string[];
  /** Organisations, and for the national shape the regions they sit in. */
  organisations: number;
  regions: number;
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, days: number) => new Date(d.getTime() + Math.round(days) * DAY);

interface Service {
  id: string;
  setting: string;
  approached: Date;
  planned: Date;
  live: Date | null;
  /** Monthly growth once live: new patients approached per month, and the share who consent and who register. */
  perMonth: number;
  consent: number;
  register: number;
  eligibleFactor: number | null;
}

/**
 * `national`: the shape of a national programme of GP practices (7,000 × 36 in the national benchmark): every unit
 * in primary care, most of them live, in a region → organisation → practice hierarchy: REGIONS regions, about seven
 * practices per organisation (a primary care network), each organisation in one region. Uptake's templates have no
 * region column, so the region is carried in the organisation's name ("North West: practice group 12") and in
 * `regions` of the result.
 */
export type ProgrammeShape = 'programme' | 'national';
export const REGIONS = [
  'North East and Yorkshire',
  'North West',
  'Midlands',
  'East of England',
  'London',
  'South East',
  'South West'
];
const NATIONAL_MIX: typeof SETTING_MIX = [['primary care', 1, 0.9]];

export function generateProgramme(
  folder: string,
  serviceCount = DEFAULT_SERVICES,
  snapshotCount = DEFAULT_SNAPSHOTS,
  shape: ProgrammeShape = 'programme'
): GeneratedProgramme {
  if (!Number.isInteger(serviceCount) || serviceCount < 1)
    throw new Error(`services must be a positive whole number, not ${serviceCount}`);
  if (!Number.isInteger(snapshotCount) || snapshotCount < 2)
    throw new Error(`snapshots must be a whole number ≥ 2, not ${snapshotCount}`);
  mkdirSync(folder, { recursive: true });
  const national = shape === 'national';
  const random = seeded(36_500);
  const between = (low: number, high: number) => low + random() * (high - low);
  const dates = asOfDates(snapshotCount);
  const last = dates.at(-1)!;
  // Launched a month before the first snapshot, so the first snapshot already has a month of history.
  const launched = addDays(dates[0], -31);

  writeFileSync(
    join(folder, 'programme.csv'),
    `programme,launched_on\n${national ? 'National benchmark programme' : 'Benchmark programme'} (${serviceCount} services),${iso(launched)}\n`
  );

  const services: Service[] = [];
  const serviceLines = [
    'service_id,service_name,organisation,setting,specialty,sensitive,in_original_bid,approached_on,planned_live_on,live_on'
  ];
  const mix = national ? NATIONAL_MIX : SETTING_MIX;
  const organisations = Math.max(1, Math.round(serviceCount / (national ? 7 : 8)));
  const span = (last.getTime() - launched.getTime()) / DAY;
  for (let s = 0; s < serviceCount; s++) {
    let pick = random();
    const [setting, , liveChance] = mix.find(([, share]) => (pick -= share) < 0) ?? mix[0];
    const id = `BEN-${String(s + 1).padStart(national ? 5 : 4, '0')}`;
    const specialty = national ? 'general practice' : SPECIALTIES[Math.floor(random() * SPECIALTIES.length)];
    const group = (s % organisations) + 1;
    const organisation = national
      ? `${REGIONS[group % REGIONS.length]}: practice group ${group}`
      : `${ORGANISATION_KIND[setting]} ${group}`;
    const approached = addDays(launched, between(0, span - 60));
    const planned = addDays(approached, between(60, 240));
    // Time to go live: usually a little after plan, sometimes much later; past the last snapshot means not live yet.
    const takes = between(14, 240) * (random() < 0.25 ? 3 : 1);
    const goesLive = random() < liveChance && addDays(approached, takes) <= last;
    const live = goesLive ? addDays(approached, takes) : null;
    services.push({
      id,
      setting,
      approached,
      planned,
      live,
      perMonth: Math.round(between(2, 40)),
      consent: between(0.4, 0.9),
      register: between(0.3, 0.9),
      eligibleFactor: random() < 0.2 ? between(2, 6) : null
    });
    serviceLines.push(
      [
        id,
        national ? `Practice ${s + 1}` : `${specialty} service ${s + 1}`,
        organisation,
        setting,
        specialty,
        random() < 0.1 ? 'yes' : 'no',
        random() < 0.3 ? 'yes' : 'no',
        iso(approached),
        iso(planned),
        live ? iso(live) : ''
      ].join(',')
    );
  }
  writeFileSync(join(folder, 'services.csv'), serviceLines.join('\n') + '\n');

  const featureLines = ['service_id,feature,category,enabled,enabled_on'];
  for (const service of services) {
    if (service.live) {
      const off = random() < 0.1 ? Math.floor(random() * CORE_FEATURES.length) : -1;
      CORE_FEATURES.forEach((f, i) =>
        featureLines.push(`${service.id},${f},core,${i === off ? 'no,' : `yes,${iso(service.live!)}`}`)
      );
      for (const f of ADDITIONAL_FEATURES) {
        if (random() >= 0.4) continue;
        const on = addDays(service.live, between(0, 300));
        featureLines.push(`${service.id},${f},additional,yes,${iso(on <= last ? on : last)}`);
      }
    } else if (random() < 0.3) {
      // Being configured: listed, not yet offered.
      for (const f of CORE_FEATURES) featureLines.push(`${service.id},${f},core,no,`);
    }
  }
  writeFileSync(join(folder, 'features.csv'), featureLines.join('\n') + '\n');

  // Cumulative counts per service, grown month by month; the floors keep every count ≤ the one it is a share of.
  const approachedSoFar = services.map(() => 0);
  // Fixed per service, and above the most it can ever have approached (growth is at most 1.5 × perMonth a month).
  const eligible = services.map((s) =>
    s.eligibleFactor ? Math.round(1.5 * s.perMonth * snapshotCount * s.eligibleFactor) : ''
  );
  for (const date of dates) {
    const lines = [
      'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional,eligible'
    ];
    services.forEach((service, i) => {
      if (service.live && service.live <= date) approachedSoFar[i] += Math.round(service.perMonth * between(0.5, 1.5));
      const approached = approachedSoFar[i];
      const consented = Math.floor(approached * service.consent);
      const registered = Math.floor(consented * service.register);
      lines.push(
        [
          iso(date),
          service.id,
          approached,
          consented,
          registered,
          Math.floor(registered * 0.06),
          Math.floor(registered * 0.04),
          eligible[i]
        ].join(',')
      );
    });
    writeFileSync(join(folder, `uptake-${iso(date)}.csv`), lines.join('\n') + '\n');
  }

  return {
    folder,
    services: serviceCount,
    snapshots: snapshotCount,
    live: services.filter((s) => s.live).length,
    uptakeRows: serviceCount * snapshotCount,
    featureRows: featureLines.length - 1,
    asOfDates: dates.map(iso),
    organisations,
    regions: national ? Math.min(REGIONS.length, organisations) : 0
  };
}
