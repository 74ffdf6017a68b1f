// Vite builds the application into dist/, which frontend/embed.go embeds in
// the Go binary. dist/ keeps the committed unbuilt.html (the page a binary
// built without Node serves), so the folder is cleaned by hand, not by Vite.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";

const outDir = "dist";
const keep = new Set(["unbuilt.html"]);

function cleanDist(): Plugin {
  return {
    name: "phusong-clean-dist",
    apply: "build",
    buildStart() {
      let entries: string[] = [];
      try {
        entries = readdirSync(outDir);
      } catch {
        return;
      }
      for (const e of entries) if (!keep.has(e)) rmSync(join(outDir, e), { recursive: true, force: true });
    },
  };
}

export default defineConfig({
  base: "/",
  publicDir: false,
  plugins: [cleanDist()],
  build: {
    outDir,
    emptyOutDir: false,
    target: "es2022",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a service started with `make run`.
    proxy: { "/api": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" },
  },
});
