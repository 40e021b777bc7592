/**
 * datapress CLI: `serve`, `open`, `demo`, `--help`, `--version`.
 * Invalid configuration or an unreadable source exits with code 2.
 */
import { createApp } from "./server/app.ts";
import { parseArgs, USAGE } from "./server/cli.ts";
import { ConfigError } from "./server/config.ts";
import type { ServerConfig } from "./server/config.ts";
import { SourceError } from "./sources/errors.ts";
import denoJson from "./deno.json" with { type: "json" };

function fail(message: string): never {
  console.error(`error: ${message}`);
  Deno.exit(2);
}

function openBrowser(url: string): void {
  const cmd = Deno.build.os === "darwin"
    ? ["open", url]
    : Deno.build.os === "windows"
    ? ["cmd", "/c", "start", url]
    : ["xdg-open", url];
  try {
    new Deno.Command(cmd[0]!, {
      args: cmd.slice(1),
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    console.error(`open ${url} in your browser`);
  }
}

/** One line saying why the server could not bind its address, and what to do. */
function listenFailure(config: ServerConfig, e: unknown): string {
  const where = `cannot listen on ${config.listen}:${config.port}`;
  if (e instanceof Deno.errors.AddrInUse) {
    return `${where}: the port is already in use (stop the other server or pick another --port)`;
  }
  if (e instanceof Deno.errors.AddrNotAvailable) {
    return `${where}: the address is not available on this machine (check --host)`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (/lookup|resolve|not known/i.test(msg)) {
    return `${where}: cannot resolve host "${config.listen}" (check --host)`;
  }
  return `${where}: ${msg.split("\n")[0]}`;
}

async function run(
  config: ServerConfig,
  after?: (url: string) => void,
): Promise<void> {
  let app;
  try {
    app = await createApp(config);
    await app.loadAll();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SourceError) fail(e.message);
    fail(`cannot start: ${e instanceof Error ? e.message : e}`);
  }
  let server;
  let url;
  try {
    server = app.listen();
    url = await server.url;
  } catch (e) {
    fail(listenFailure(config, e));
  }
  // API.md: exactly this line; the prefixed URL, if any, on its own line.
  console.log(`listening on ${url}`);
  if (config.prefix) console.log(`serving under ${url}${config.prefix}/`);
  after?.(`${url}${config.prefix}/`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const grace = config.shutdown_timeout_secs * 1000;
    const drained = server.shutdown();
    const timer = setTimeout(() => Deno.exit(0), grace);
    await drained;
    clearTimeout(timer);
    await app.close().catch(() => {});
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
}

if (import.meta.main) {
  let cmd;
  try {
    cmd = await parseArgs(Deno.args);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  switch (cmd.kind) {
    case "help":
      console.log(USAGE);
      break;
    case "version":
      console.log(`datapress ${denoJson.version}`);
      break;
    case "serve":
      await run(cmd.config);
      break;
    case "open":
      await run(cmd.config, (url) => {
        console.log(`open ${url}`);
        if (cmd.browser) openBrowser(url);
      });
      break;
    case "demo": {
      const { generateAccidents } = await import("./demo/generate.ts");
      const path = ".datapress/demo/accidents.parquet";
      try {
        await Deno.stat(path);
      } catch {
        await Deno.mkdir(".datapress/demo", { recursive: true });
        console.log("generating a 200,000-row sample dataset…");
        await generateAccidents(path, 200_000);
      }
      cmd.config.datasets = [{
        name: "accidents",
        source: path,
        mode: "auto",
        description: "Synthetic US accidents (200,000 rows)",
        index_columns: [],
        index_max_cardinality: 100_000,
      }];
      await run(
        cmd.config,
        (url) => console.log(`open ${url} for the query builder`),
      );
    }
  }
}
