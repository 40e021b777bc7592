/**
 * What the browser tests share: the UI built from the current sources, a
 * real server in a child process, a headless Chromium and a screenshot
 * folder. Outside CI a missing Chromium skips the browser tests; with
 * CI=true it fails them.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { buildUi } from "../../ui/build.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const haveChromium = await Deno.stat(CHROMIUM).then(
  () => true,
  () => false,
);
if (!haveChromium) {
  const msg =
    `e2e: ${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium)`;
  if (Deno.env.get("CI") === "true") throw new Error(msg);
  console.warn(`${msg}; skipping browser tests`);
}

// The server only serves a prebuilt bundle; building here tests the
// sources as they are now, also from a clean clone without ui/dist.
if (haveChromium) await buildUi();

/** `datapress serve ARGS` on a free port; resolves once it listens. */
export async function startServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; child: Deno.ChildProcess }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "serve",
      ...args,
      "--port",
      "0",
      "--kv",
      ":memory:",
    ],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += value;
    const m = /listening on (\S+)/.exec(text);
    if (m) {
      reader.releaseLock();
      return { url: m[1]!.replace(/\/$/, ""), child };
    }
  }
}

/** Waits until every dataset is loaded (readyz), at most `ms`. */
export async function waitReady(url: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const res = await fetch(`${url}/readyz`).catch(() => null);
    await res?.body?.cancel();
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms`);
}

export async function stopServer(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await child.status;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A numbered screenshot taker writing into `.datapress/e2e/<test>/`, which
 * git ignores; each run replaces the folder's previous shots.
 */
export async function screenshots(
  test: string,
): Promise<(page: Page, name: string) => Promise<void>> {
  const dir = new URL(`../../.datapress/e2e/${test}/`, import.meta.url)
    .pathname;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  console.log(`screenshots in ${dir}`);
  let step = 0;
  return async (page, name) => {
    await page.screenshot({
      path: `${dir}${String(++step).padStart(2, "0")}-${name}.png`,
      fullPage: true,
    });
  };
}

/** Collects the page's console errors and uncaught exceptions from now on. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") {
      errors.push(`${m.text()} (${m.location().url})`);
    }
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}
