// Vite builds the application into dist/, which frontend/embed.go embeds in
// the Go binary. dist/ keeps the committed unbuilt.html (the page a binary
// built without Node serves), so the folder is cleaned by hand, not by Vite.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
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

/**
 * Writes NAME.br beside each text file of the build, compressed once at
 * Brotli's best level (api/rest/static.go sends it to a browser that accepts
 * br: about 15% fewer bytes than gzip -9 for MapLibre's scripts).
 */
function brotli(): Plugin {
  return {
    name: "phusong-brotli",
    apply: "build",
    writeBundle(_options, bundle) {
      for (const [name, item] of Object.entries(bundle)) {
        if (!/\.(m?js|css|html|svg|json)$/.test(name)) continue;
        const body = Buffer.from(item.type === "chunk" ? item.code : item.source);
        if (body.length < 1024) continue;
        const br = brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        });
        if (br.length < body.length * 0.9) writeFileSync(join(outDir, `${name}.br`), br);
      }
    },
  };
}

export default defineConfig({
  base: "/",
  publicDir: false,
  plugins: [cleanDist(), brotli()],
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
