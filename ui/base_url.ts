/** Where the API lives: the mount point the UI is served under (works under a prefix). */
export const BASE_URL = `${location.origin}${
  location.pathname.replace(/\/ui\/?.*$/, "").replace(/\/$/, "")
}`;
