/**
 * A query result as an Arrow IPC *file* (the random-access format, magic `ARROW1`), typed so that pyarrow, R's arrow
 * and polars read it as is: a researcher's notebook picks up any result without a CSV round trip.
 *
 * Type mapping (DuckDB → Arrow):
 *   BOOLEAN → Bool · TINYINT/SMALLINT/INTEGER → Int8/Int16/Int32 · BIGINT → Int64 · HUGEINT → Int64 (e.g.
 *   `sum(INTEGER)`; a value beyond Int64 is an error asking for a cast) · UTINYINT…UBIGINT → Uint8…Uint64 · FLOAT →
 *   Float32 · DOUBLE and DECIMAL → Float64 · DATE → Date32<DAY> · TIMESTAMP → Timestamp<µs> · TIMESTAMP WITH TIME ZONE
 *   → Timestamp<µs, UTC> · everything else (VARCHAR, UUID, ENUM, TIME, INTERVAL, lists, structs…) → plain Utf8 of
 *   DuckDB's text.
 * Strings are plain Utf8, not dictionary-encoded (apache-arrow's default for string arrays), because some readers turn
 * dictionaries into categoricals/factors. NULLs are kept as Arrow nulls.
 */
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValue
} from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Table,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type DataType,
  type Vector
} from 'apache-arrow';
import { valueAsText, type ResultColumn, type ResultTable } from './result-table.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A fixed-width column built directly from a typed array and a validity bitmap: exact, and fast for large results. */
function fixedWidth<T extends DataType>(
  type: T,
  column: ResultColumn,
  toStorage: (value: Exclude<DuckDBValue, null>) => number | bigint
): Vector<T> {
  const length = column.values.length;
  // The Arrow type knows its storage (Int8Array for Int8, BigInt64Array for Int64 and Timestamp, …).
  const data = new (type.ArrayType as new (length: number) => (number | bigint)[])(length);
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  column.values.forEach((value, index) => {
    if (value === null || value === undefined) {
      nullCount++;
      return;
    }
    data[index] = toStorage(value);
    nullBitmap[index >> 3] |= 1 << (index & 7);
  });
  return makeVector(makeData({ type, length, nullCount, nullBitmap, data } as never)) as Vector<T>;
}

function asBigInt(column: ResultColumn, min: bigint, max: bigint) {
  return (value: Exclude<DuckDBValue, null>): bigint => {
    const big = BigInt(value as bigint | number);
    if (big < min || big > max) {
      throw new Error(
        `Column "${column.name}" (${column.typeName}) holds ${big}, too large for Arrow Int64: cast it in the SQL (e.g. ::DOUBLE or ::VARCHAR)`
      );
    }
    return big;
  };
}

/** DuckDB's number types whose values arrive as JavaScript numbers, each with the Arrow type of the same width. */
const PLAIN_NUMBERS = new Map<DuckDBTypeId, () => DataType>([
  [DuckDBTypeId.TINYINT, () => new Int8()],
  [DuckDBTypeId.SMALLINT, () => new Int16()],
  [DuckDBTypeId.INTEGER, () => new Int32()],
  [DuckDBTypeId.UTINYINT, () => new Uint8()],
  [DuckDBTypeId.USMALLINT, () => new Uint16()],
  [DuckDBTypeId.UINTEGER, () => new Uint32()],
  [DuckDBTypeId.FLOAT, () => new Float32()],
  [DuckDBTypeId.DOUBLE, () => new Float64()]
]);

function columnToVector(column: ResultColumn): Vector {
  const plainNumber = PLAIN_NUMBERS.get(column.typeId);
  if (plainNumber) return fixedWidth(plainNumber(), column, Number);
  switch (column.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return vectorFromArray(column.values as (boolean | null)[], new Bool());
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return fixedWidth(new Int64(), column, asBigInt(column, INT64_MIN, INT64_MAX));
    case DuckDBTypeId.UBIGINT:
      return fixedWidth(new Uint64(), column, asBigInt(column, 0n, 2n ** 64n - 1n));
    case DuckDBTypeId.DECIMAL:
      return fixedWidth(new Float64(), column, (value) => (value as DuckDBDecimalValue).toDouble());
    case DuckDBTypeId.DATE:
      // Both count days since 1970-01-01, so the value carries over exactly.
      return fixedWidth(new DateDay(), column, (value) => (value as DuckDBDateValue).days);
    case DuckDBTypeId.TIMESTAMP:
      return fixedWidth(new Timestamp(TimeUnit.MICROSECOND), column, (value) => (value as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return fixedWidth(
        new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
        column,
        (value) => (value as DuckDBTimestampTZValue).micros
      );
    default:
      return vectorFromArray(column.values.map(valueAsText), new Utf8());
  }
}

export function resultAsArrowTable(result: ResultTable): Table {
  const vectors: Record<string, Vector> = {};
  for (const column of result.columns) vectors[column.name] = columnToVector(column);
  return new Table(vectors);
}

export function resultAsArrowFile(result: ResultTable): Uint8Array {
  return tableToIPC(resultAsArrowTable(result), 'file');
}

/** Writes the result as an Arrow IPC file, atomically (temporary file, then rename). */
export function writeArrowFile(path: string, result: ResultTable): void {
  writeFileAtomic(path, resultAsArrowFile(result));
}
