/**
 * Where the API lives: the mount point, one folder above the bundle
 * (`{mount}/ui/app.js`), so the UI works under any prefix and whatever
 * page address loaded it.
 */
export const BASE_URL = new URL("..", import.meta.url).href.replace(/\/$/, "");
