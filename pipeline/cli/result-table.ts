/**
 * A query result held column by column, with DuckDB's own types, so each output format (text, JSON, CSV, Arrow)
 * converts values from the source type rather than from an already-stringified form.
 */
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTypeId,
  type DuckDBResultReader,
  type DuckDBValue
} from '@duckdb/node-api';

export interface ResultColumn {
  /**
   * Unique within the result (`a`, `a_1` when a query repeats a name), so it can key a JSON object or an Arrow field.
   */
  name: string;
  typeId: DuckDBTypeId;
  /** DuckDB's spelling of the type, e.g. `DECIMAL(4,1)`, `INTEGER[]`. */
  typeName: string;
  values: DuckDBValue[];
}

export interface ResultTable {
  columns: ResultColumn[];
  rowCount: number;
}

export function resultTableFrom(reader: DuckDBResultReader): ResultTable {
  const names = reader.deduplicatedColumnNames();
  const values = reader.getColumns();
  const columns = names.map((name, index) => ({
    name,
    typeId: reader.columnTypeId(index),
    typeName: reader.columnType(index).toString(),
    values: values[index] ?? []
  }));
  return { columns, rowCount: reader.currentRowCount };
}

const SAFE_INTEGER_TYPES = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER
]);
const BIG_INTEGER_TYPES = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT
]);
const FLOAT_TYPES = new Set([DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE]);

export function isNumericType(typeId: DuckDBTypeId): boolean {
  return (
    SAFE_INTEGER_TYPES.has(typeId) ||
    BIG_INTEGER_TYPES.has(typeId) ||
    FLOAT_TYPES.has(typeId) ||
    typeId === DuckDBTypeId.DECIMAL
  );
}

/**
 * A value as text, the way a spreadsheet user expects to read it: ISO dates, `true`/`false`, plain numbers. NULL →
 * null.
 */
export function valueAsText(value: DuckDBValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // DuckDB's value classes (dates, timestamps, decimals, lists, structs, intervals…) print themselves as DuckDB does.
  return value.toString();
}

/**
 * A value for JSON: numbers stay numbers (BIGINT too, while it fits a double exactly; beyond that a string, never a
 * silently rounded number); DECIMAL becomes a number; dates and timestamps become their ISO text; lists and structs
 * stay nested.
 */
export function valueAsJson(value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  // JSON has no NaN or Infinity: those become text rather than a silent null.
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(valueAsJson);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, valueAsJson(item)]));
  }
  return value.toString();
}
