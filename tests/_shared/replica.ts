/**
 * A datapress server in its own process (`deno run -A main.ts serve …
 * --port 0`), as replicas run: started, asked over HTTP, stopped with
 * SIGTERM. Used by the replica tests and bench/replicas.ts.
 */
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface Replica {
  url: string;
  pid: number;
  /** Everything the process wrote to stderr so far (its log lines). */
  stderr(): string;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
}

/** Reads a stream to its end, appending to `sink`, so the child never blocks on a full pipe. */
async function drain(
  stream: ReadableStream<string>,
  sink: { text: string },
  onText?: () => void,
): Promise<void> {
  for await (const chunk of stream) {
    sink.text += chunk;
    onText?.();
  }
}

/** Starts `main.ts serve ARGS --port 0` and resolves once it prints its URL. */
export async function startReplica(
  args: string[],
  env: Record<string, string> = {},
): Promise<Replica> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", ...args, "--port", "0"],
    stdout: "piped",
    stderr: "piped",
    env: { DATAPRESS_LOG: "warn", ...env },
  }).spawn();
  const out = { text: "" };
  const err = { text: "" };
  let listening!: (url: string) => void;
  const url = new Promise<string>((r) => listening = r);
  const done = Promise.all([
    drain(child.stdout.pipeThrough(new TextDecoderStream()), out, () => {
      const m = /listening on (http:\/\/\S+)\n/.exec(out.text);
      if (m) listening(m[1]!);
    }),
    drain(child.stderr.pipeThrough(new TextDecoderStream()), err),
  ]);
  const exited = child.status.then(async (s) => {
    await done;
    return s;
  });
  const first = await Promise.race([url, exited]);
  if (typeof first !== "string") {
    throw new Error(
      `replica exited (${first.code}) before listening: ${err.text}`,
    );
  }
  let stopping: Promise<void> | null = null;
  return {
    url: first,
    pid: child.pid,
    stderr: () => err.text,
    stop: () =>
      stopping ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch {
          // Already gone.
        }
        await exited;
      })(),
  };
}
