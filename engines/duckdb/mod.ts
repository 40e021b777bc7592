export { returnFreedMemory } from "./allocator.ts";
export { DuckDBEngine, type DuckDBEngineOptions } from "./engine.ts";
export {
  decodeColumns,
  type DecodedColumn,
  type DecodedTable,
  type DecodeOptions,
  type DecodeProgress,
} from "./decode.ts";
export type { Codes } from "./codes.ts";
export { textToParquet } from "./text.ts";
export type { Utf8Column } from "./utf8.ts";
