// Typst 0.14 (npm @myriaddreamin/typst-ts-node-compiler) compiles MAIN.typ to a PDF, for the benchmark.
//   node typst-pdf.cjs MAIN.typ OUT.pdf FONT_DIR     (run from the folder holding node_modules/)
// The workspace is MAIN's folder, so its image paths resolve; FONT_DIR adds fonts.
const { NodeCompiler } = require("@myriaddreamin/typst-ts-node-compiler");
const fs = require("node:fs");
const path = require("node:path");

const [, , main, out, fonts] = process.argv;
if (!main || !out || !fonts) {
  console.error("usage: node typst-pdf.cjs MAIN.typ OUT.pdf FONT_DIR");
  process.exit(2);
}
const file = path.resolve(main);
const compiler = NodeCompiler.create({ workspace: path.dirname(file), fontArgs: [{ fontPaths: [fonts] }] });
const doc = compiler.compile({ mainFilePath: file });
if (!doc.result) {
  doc.printErrors();
  process.exit(1);
}
fs.writeFileSync(out, compiler.pdf(doc.result));
