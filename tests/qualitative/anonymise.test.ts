import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyAnonymisation,
  isValidNhsNumber,
  parseNamesList,
  proposeAnonymisation,
  PseudonymBook,
  readKeyFile,
  writeKeyFile
} from '../../pipeline/qualitative/anonymise.ts';

const kinds = (text: string, detectors?: NonNullable<Parameters<typeof proposeAnonymisation>[1]>['detectors']) =>
  proposeAnonymisation(text, { detectors }).map((p) => [p.kind, p.original]);

describe('NHS numbers', () => {
  it('checks the modulus-11 check digit: 943 476 5919 is valid, 943 476 5910 is not', () => {
    // 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 299 mod 11 = 2; 11 − 2 = 9 = the last digit.
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765910')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
  });

  it('finds a valid number spaced 3-3-4 or run together, and leaves an invalid one alone', () => {
    expect(kinds('NHS no 943 476 5919, or 9434765919, but not 943 476 5910.')).toEqual([
      ['nhs-number', '943 476 5919'],
      ['nhs-number', '9434765919']
    ]);
  });

  it('does not take ten digits out of a longer number', () => {
    expect(kinds('Reference 194347659190.', ['nhs-number'])).toEqual([]);
  });
});

describe('other identifiers', () => {
  it('finds e-mail addresses, UK phone numbers and postcodes', () => {
    expect(kinds('Mail j.okafor@nhs.net or ring 020 7946 0018 or +44 7700 900123; we are in W2 1NY.')).toEqual([
      ['email', 'j.okafor@nhs.net'],
      ['phone', '020 7946 0018'],
      ['phone', '+44 7700 900123'],
      ['postcode', 'W2 1NY']
    ]);
  });

  it('does not take a year or a short number for a phone number', () => {
    expect(kinds('In 2016 we had 0207 cases and 12 wards.', ['phone'])).toEqual([]);
  });

  it('finds a date of birth only near "born", "DOB" or "date of birth"', () => {
    expect(
      kinds(
        'She was born on 3 March 1961. DOB: 04/05/1970. Date of birth is the 1st of June 1958. We met on 12/01/2017.',
        ['date-of-birth']
      )
    ).toEqual([
      ['date-of-birth', '3 March 1961'],
      ['date-of-birth', '04/05/1970'],
      ['date-of-birth', '1st of June 1958']
    ]);
  });
});

describe("names from the researcher's list", () => {
  const names = parseNamesList(`# people and places
clinician: Dr Jane Okafor; Jane Okafor; Dr Okafor
clinician: Tom Reid
hospital: St Mary's Hospital; St Mary's
hospital: Northwick Park
Priya`);

  it('reads roles and variants', () => {
    expect(names).toEqual([
      { role: 'clinician', variants: ['Dr Jane Okafor', 'Jane Okafor', 'Dr Okafor'] },
      { role: 'clinician', variants: ['Tom Reid'] },
      { role: 'hospital', variants: ["St Mary's Hospital", "St Mary's"] },
      { role: 'hospital', variants: ['Northwick Park'] },
      { role: 'person', variants: ['Priya'] }
    ]);
  });

  it('proposes consistent pseudonyms by role: numbered people, lettered hospitals, curly apostrophes too', () => {
    const book = new PseudonymBook();
    const text = 'Dr Okafor at St Mary’s Hospital said Jane Okafor and Tom Reid went to Northwick Park. Priya agreed.';
    const proposals = proposeAnonymisation(text, { names, book });
    expect(proposals.map((p) => [p.original, p.replacement])).toEqual([
      ['Dr Okafor', '[CLINICIAN 1]'],
      ['St Mary’s Hospital', '[HOSPITAL A]'],
      ['Jane Okafor', '[CLINICIAN 1]'],
      ['Tom Reid', '[CLINICIAN 2]'],
      ['Northwick Park', '[HOSPITAL B]'],
      ['Priya', '[PERSON 1]']
    ]);
    expect(applyAnonymisation(text, proposals)).toBe(
      '[CLINICIAN 1] at [HOSPITAL A] said [CLINICIAN 1] and [CLINICIAN 2] went to [HOSPITAL B]. [PERSON 1] agreed.'
    );
  });

  it('prefers the longest variant and matches whole, case-sensitive words only', () => {
    const proposals = proposeAnonymisation('Dr Jane Okafor; Okafors; priya; Priyanka.', { names });
    expect(proposals.map((p) => p.original)).toEqual(['Dr Jane Okafor']);
  });

  it('counts offsets in code points after an emoji, and applies only the proposals the researcher kept', () => {
    const text = '😀 Tom Reid, mail tom@example.org';
    const proposals = proposeAnonymisation(text, { names });
    expect(proposals.map((p) => [p.id, p.start, p.end])).toEqual([
      ['name:2-10', 2, 10],
      ['email:17-32', 17, 32]
    ]);
    expect(
      applyAnonymisation(
        text,
        proposals.filter((p) => p.kind === 'email')
      )
    ).toBe('😀 Tom Reid, mail [EMAIL]');
  });
});

describe('the key', () => {
  it('is written only to the file named, readable by its owner only, and read back keeps numbering going', () => {
    const book = new PseudonymBook();
    book.pseudonymFor({ role: 'clinician', variants: ['Tom Reid'] });
    book.pseudonymFor({ role: 'hospital', variants: ['Northwick Park'] });
    const path = join(mkdtempSync(join(tmpdir(), 'uptake-key-')), 'key.json');
    writeKeyFile(path, book);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).entries).toEqual([
      { pseudonym: '[CLINICIAN 1]', role: 'clinician', variants: ['Tom Reid'] },
      { pseudonym: '[HOSPITAL A]', role: 'hospital', variants: ['Northwick Park'] }
    ]);
    const again = readKeyFile(path);
    expect(again.pseudonymFor({ role: 'clinician', variants: ['Tom Reid'] })).toBe('[CLINICIAN 1]');
    expect(again.pseudonymFor({ role: 'clinician', variants: ['Ann Lee'] })).toBe('[CLINICIAN 2]');
    expect(again.pseudonymFor({ role: 'hospital', variants: ['Ealing'] })).toBe('[HOSPITAL B]');
  });
});
