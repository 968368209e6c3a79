// Markdown -> Typst with pandoc's own Typst writer (npm pandoc-wasm), for the benchmark only.
//   node md2typst.mjs IN.md OUT.typ      (run from the folder holding node_modules/)
// A4 and the serif quire bundles, so Typst sets a page like quire's.
import { readFileSync, writeFileSync } from "node:fs";
import { convert } from "pandoc-wasm";

const [, , input, output] = process.argv;
if (!input || !output) {
  console.error("usage: node md2typst.mjs IN.md OUT.typ");
  process.exit(2);
}
const options = { from: "markdown", to: "typst", standalone: true,
                  variables: { papersize: "a4", mainfont: "Charis SIL" } };
const r = await convert(options, readFileSync(input, "utf8"), {});
if (r.stderr) process.stderr.write(r.stderr);
if (!r.stdout) {
  console.error("md2typst: pandoc wrote nothing");
  process.exit(1);
}
writeFileSync(output, r.stdout);
