/**
 * The URL filter parser and the services-table query parser: shapes are checked before any SQL runs, unknown values
 * are refused with a message, and nothing from the URL reaches SQL except as a bound parameter.
 */
import { describe, expect, test } from 'vitest';
import { FilterError, filterQuery, parseFilters, populationText } from '../../pipeline/dashboard/filters.ts';
import { parseServicesQuery } from '../../pipeline/dashboard/services.ts';
import { TableQueryError } from '../../pipeline/dashboard/table.ts';

const parse = (query: string) => parseFilters(new URLSearchParams(query));

describe('parseFilters', () => {
  test('reads as-of date, organisation and setting; empty values mean no filter', () => {
    expect(parse('asOf=2017-02-06&organisation=Imperial%20College%20Healthcare%20NHS%20Trust&setting=acute')).toEqual({
      asOf: '2017-02-06',
      organisation: 'Imperial College Healthcare NHS Trust',
      setting: 'acute'
    });
    expect(parse('asOf=&organisation=&setting=')).toEqual({});
    expect(parse('sort=registered&q=renal')).toEqual({});
  });

  test.each([
    ['asOf=06/02/2017', 'asOf', 'The as-of date "06/02/2017" is not a date in the form YYYY-MM-DD.'],
    ['asOf=2017-02-30', 'asOf', 'The as-of date "2017-02-30" is not a date in the form YYYY-MM-DD.'],
    [
      'setting=hospital',
      'setting',
      'There is no setting "hospital". Settings are: acute, mental health, community, primary care, social care.'
    ],
    ['asOf=2017-02-06&asOf=2017-01-31', 'asOf', 'Give asOf once, not 2 times.'],
    [`organisation=${'x'.repeat(201)}`, 'organisation', 'That organisation name is too long.']
  ])('%s is refused', (query, parameter, message) => {
    let error: unknown;
    try {
      parse(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterError);
    expect((error as FilterError).parameter).toBe(parameter);
    expect((error as FilterError).message).toBe(message);
  });

  test('links keep only the filters that were chosen', () => {
    expect(filterQuery({ organisation: "St Mary's & Co", setting: 'acute' })).toBe(
      '?organisation=St+Mary%27s+%26+Co&setting=acute'
    );
    expect(filterQuery({})).toBe('');
    expect(
      populationText({ asOf: '2017-02-06', previousAsOf: null, organisation: 'CNWL', setting: 'mental health' })
    ).toBe('mental health services at CNWL');
  });
});

describe('parseServicesQuery', () => {
  test('defaults to the level that fits (sorted by its name column), ascending, page 1, no search', () => {
    expect(parseServicesQuery(new URLSearchParams(''))).toEqual({
      sort: '',
      dir: 'asc',
      q: '',
      page: 1,
      level: null,
      parents: {}
    });
    expect(parseServicesQuery(new URLSearchParams('level=service'))).toMatchObject({ sort: 'service_name' });
    expect(
      parseServicesQuery(new URLSearchParams('sort=registration_rate&dir=desc&q=%20renal%20&page=3&region=North'))
    ).toEqual({
      sort: 'registration_rate',
      dir: 'desc',
      q: 'renal',
      page: 3,
      level: null,
      parents: { region: 'North' }
    });
  });

  test('a level, page or sort key outside the fixed lists is refused', () => {
    expect(() => parseServicesQuery(new URLSearchParams('level=ward'))).toThrow(
      'There is no level "ward". Levels are: programme, region, subregion, organisation, service.'
    );
    expect(() => parseServicesQuery(new URLSearchParams('page=0'))).toThrow(
      'The page must be a whole number from 1, not "0".'
    );
    expect(() => parseServicesQuery(new URLSearchParams('page=2;1'))).toThrow(TableQueryError);
    // The organisation table has no service_name column.
    expect(() => parseServicesQuery(new URLSearchParams('level=organisation&sort=service_name'))).toThrow(
      'The services table cannot be sorted by "service_name".'
    );
  });

  test('a sort key outside the table columns, or a bad direction, is refused', () => {
    expect(() => parseServicesQuery(new URLSearchParams('sort=service_name;DROP TABLE service'))).toThrow(
      TableQueryError
    );
    expect(() => parseServicesQuery(new URLSearchParams('sort=sha256'))).toThrow(
      'The services table cannot be sorted by "sha256".'
    );
    expect(() => parseServicesQuery(new URLSearchParams('dir=up'))).toThrow(
      'Sort direction must be "asc" or "desc", not "up".'
    );
  });
});
