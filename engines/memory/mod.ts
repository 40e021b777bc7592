export { MemoryEngine } from "./engine.ts";
