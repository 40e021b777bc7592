export { DuckDBEngine, type DuckDBEngineOptions } from "./engine.ts";
