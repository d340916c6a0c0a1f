#!/usr/bin/env node
// Validate Mermaid diagram text with Mermaid's OWN parser (mermaid.parse),
// so CI checks edasmith's diagrams against the real grammar, not a guess.
//
//   node tools/mermaid-parse.mjs FILE...    (FILE may be "-" for stdin)
//
// Prints "ok FILE" or "error FILE: message" per file.
// Exit: 0 all parsed, 1 at least one failed, 2 usage error.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('-h') || files.includes('--help')) {
  process.stderr.write('usage: node tools/mermaid-parse.mjs FILE... ("-" reads stdin)\n');
  process.exit(2);
}

// Mermaid's diagram DBs sanitize labels with DOMPurify while parsing.
// DOMPurify binds to the global `window` once, when its module is first
// evaluated; under plain Node there is none and parse() dies with
// "DOMPurify.addHook is not a function". So install a jsdom window BEFORE
// mermaid (and with it dompurify) is loaded - hence the dynamic import.
const { window } = new JSDOM('<!DOCTYPE html><html><body></body></html>', {
  pretendToBeVisual: true,
});
globalThis.window = window;
globalThis.document = window.document;
// Node >= 21 defines a read-only `navigator` getter; only add ours if absent.
if (!('navigator' in globalThis)) globalThis.navigator = window.navigator;

const { default: mermaid } = await import('mermaid');
// Mermaid's parse warnings/info go through its own logger; keep output to
// our one-line-per-file contract.
mermaid.initialize({ startOnLoad: false, logLevel: 'fatal' });

let failed = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    console.log(`error ${file}: cannot read: ${e.message}`);
    failed++;
    continue;
  }
  try {
    // Without { suppressErrors: true } parse() rejects on any syntax error
    // (including "No diagram type detected").
    await mermaid.parse(text);
    console.log(`ok ${file}`);
  } catch (e) {
    // Jison errors are multi-line (source excerpt + caret + expectations);
    // indent continuation lines so each report stays attributable to its file.
    const msg = String(e?.message ?? e).trimEnd().replace(/\n/g, '\n    ');
    console.log(`error ${file}: ${msg}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
