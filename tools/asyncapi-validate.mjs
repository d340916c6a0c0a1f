#!/usr/bin/env node
// Validate AsyncAPI documents (3.0 and older) with the official
// @asyncapi/parser v3: JSON-schema validation of the spec plus its built-in
// Spectral ruleset (the same checks the AsyncAPI CLI/Studio run).
//
//   node tools/asyncapi-validate.mjs FILE...
//
// Prints one line per diagnostic:
//   FILE:LINE:COL: SEVERITY CODE: MESSAGE [at json.path]
// (FILE is the $ref'd file when the problem is inside one)
// then "ok FILE" or "error FILE" as the per-file verdict.
// Exit: 0 no error-severity diagnostic in any file (warnings/infos/hints are
// reported but tolerated), 1 at least one file has an error, 2 usage error.
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('-h') || files.includes('--help')) {
  process.stderr.write('usage: node tools/asyncapi-validate.mjs FILE...\n');
  process.exit(2);
}

// Spectral's DiagnosticSeverity enum.
const SEVERITY = ['error', 'warning', 'info', 'hint'];
const parser = new Parser();
let failed = 0;

for (const file of files) {
  const abs = resolve(file);
  let diagnostics;
  try {
    // fromFile passes { source: abs } so relative $refs resolve next to FILE.
    ({ diagnostics } = await fromFile(parser, abs).parse());
  } catch (e) {
    // Unreadable file or a crash inside the parser: that is a failure too.
    console.log(`${file}: error: ${e?.message ?? e}`);
    console.log(`error ${file}`);
    failed++;
    continue;
  }
  let errors = 0;
  for (const d of diagnostics) {
    if (d.severity === 0) errors++;
    const start = d.range?.start ?? { line: 0, character: 0 };
    // Diagnostics inside a $ref'd file carry that file as `source`, and
    // their line/column refer to it, so report them against that file.
    const loc = (d.source && d.source !== abs) ? d.source : file;
    const path = d.path?.length ? ` [at ${d.path.join('.')}]` : '';
    console.log(`${loc}:${start.line + 1}:${start.character + 1}: ` +
      `${SEVERITY[d.severity] ?? `severity${d.severity}`} ${d.code}: ${d.message}${path}`);
  }
  // A document the parser could not build always comes with an error
  // diagnostic, so counting severity-0 diagnostics is sufficient.
  console.log(`${errors ? 'error' : 'ok'} ${file}`);
  if (errors) failed++;
}
process.exit(failed ? 1 : 0);
