export { type MemoryDataset, MemoryEngine } from "./engine.ts";
