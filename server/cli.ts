/** Command-line arguments → a command and a validated ServerConfig. */
import {
  ConfigError,
  defaultConfig,
  parseBackend,
  parseConfig,
  type ServerConfig,
  validatePrefix,
} from "./config.ts";
import { checkDatasetNames, datasetFromArg } from "./dataset_config.ts";

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "serve"; config: ServerConfig }
  | { kind: "open"; config: ServerConfig; browser: boolean }
  | { kind: "demo"; config: ServerConfig };

export const USAGE =
  `datapress: serve Parquet and Delta datasets over HTTP (JSON + Arrow IPC)

Usage:
  datapress serve [SOURCE...] [--config datapress.json] [--engine duckdb|memory]
                  [--host 127.0.0.1] [--port 8000] [--prefix /path] [--kv PATH|URL]
  datapress open FILE [--engine ...] [--port 0] [--no-browser] [--kv PATH|URL] [--at VERSION|TIMESTAMP]
  datapress demo [--port 8000] [--engine ...]
  datapress --help | --version

SOURCE is path, name=path or name=s3://bucket/prefix/ (a file, directory,
glob, hive-partitioned tree or Delta table). Env: ADMIN_TOKEN, AWS_*,
DATAPRESS_LOG=error|warn|info|debug.`;

const VALUE_FLAGS = [
  "--config",
  "--engine",
  "--host",
  "--port",
  "--prefix",
  "--kv",
  "--at",
];
const BOOL_FLAGS = ["--no-browser", "--help", "-h", "--version", "-V"];

export async function parseArgs(args: string[]): Promise<Command> {
  if (
    args.length === 0 || args.includes("--help") || args.includes("-h") ||
    args[0] === "help"
  ) {
    return { kind: "help" };
  }
  if (args.includes("--version") || args.includes("-V")) {
    return { kind: "version" };
  }
  const [cmd, ...rest] = args;
  if (cmd !== "serve" && cmd !== "open" && cmd !== "demo") {
    throw new ConfigError(
      "command",
      `unknown command ${JSON.stringify(cmd)}; use serve, open or demo`,
    );
  }
  const flags = new Map<string, string>();
  const bools = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    if (VALUE_FLAGS.includes(flag)) {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new ConfigError(flag, "needs a value");
      flags.set(flag, v);
    } else if (BOOL_FLAGS.includes(flag)) bools.add(flag);
    else if (a.startsWith("-")) {
      throw new ConfigError(a, "unknown flag; see --help");
    } else positional.push(a);
  }
  let config = defaultConfig();
  const file = flags.get("--config");
  if (file !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (e) {
      throw new ConfigError(
        "--config",
        `cannot read ${file}: ${e instanceof Error ? e.message : e}`,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(
        "--config",
        `${file} is not valid JSON: ${e instanceof Error ? e.message : e}`,
      );
    }
    config = parseConfig(raw, config);
  }
  if (cmd === "open" && positional.length !== 1) {
    throw new ConfigError("FILE", "open takes exactly one FILE");
  }
  if (cmd === "demo" && positional.length > 0) {
    throw new ConfigError("SOURCE", "demo takes no sources");
  }
  const added = positional.map((p, i) => datasetFromArg(p, i));
  const at = flags.get("--at");
  if (at !== undefined) {
    if (cmd !== "open") throw new ConfigError("--at", "only applies to open");
    if (/^\d+$/.test(at)) added[0]!.version = Number(at);
    else if (!Number.isNaN(Date.parse(at))) added[0]!.timestamp = at;
    else {throw new ConfigError(
        "--at",
        "must be a Delta version number or an ISO-8601 timestamp",
      );}
  }
  config.datasets = [...config.datasets, ...added];
  checkDatasetNames(config.datasets);
  if (flags.has("--engine")) {
    config.backend = parseBackend(flags.get("--engine"), "--engine");
  }
  if (flags.has("--host")) config.listen = flags.get("--host")!;
  if (flags.has("--port")) {
    const p = flags.get("--port")!;
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) {
      throw new ConfigError("--port", "must be an integer between 0 and 65535");
    }
    config.port = Number(p);
  }
  if (flags.has("--prefix")) {
    config.prefix = validatePrefix(flags.get("--prefix")!, "--prefix");
  }
  if (flags.has("--kv")) config.kv = flags.get("--kv")!;
  if (cmd === "open") {
    if (!flags.has("--host")) config.listen = "127.0.0.1";
    if (!flags.has("--port")) config.port = 0;
    return { kind: "open", config, browser: !bools.has("--no-browser") };
  }
  if (cmd === "demo") return { kind: "demo", config };
  if (config.datasets.length === 0) {
    throw new ConfigError(
      "SOURCE",
      "no datasets: pass SOURCE arguments or a --config with datasets",
    );
  }
  return { kind: "serve", config };
}
