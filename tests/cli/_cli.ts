/** Running the CLI as a user does: `deno run -A main.ts ARGS` in a child process. */
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export function spawn(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { DATAPRESS_LOG: "error", ...env },
  }).spawn();
}

/** Runs the CLI to its end. */
export async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await spawn(args, env).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}
