/** The explorer's entry point, bundled into ui/dist/app.js by build.ts. */
import { render } from "preact";
import { App } from "./components/App.tsx";

render(<App />, document.getElementById("app")!);
