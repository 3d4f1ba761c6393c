// Makes vendor/protocol-classic.js from src/protocol.js, for the service worker: service workers
// are classic scripts in browsers without module workers (Firefox ESR), and importScripts() cannot
// load an ES module. Same code, `export` removed, its exports gathered on self.openbellProtocol.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const source = readFileSync(new URL('./src/protocol.js', import.meta.url), 'utf8');
const names = [];
const body = source.replace(/^export (const|function|class) ([A-Za-z_$][\w$]*)/gm, (_, kind, name) => {
  names.push(name);
  return `${kind} ${name}`;
});
if (/^export /m.test(body) || /^import /m.test(body)) {
  throw new Error('protocol.js has an export or import form build-classic.mjs does not handle');
}
mkdirSync(new URL('./vendor/', import.meta.url), { recursive: true });
writeFileSync(new URL('./vendor/protocol-classic.js', import.meta.url),
  `// Generated from src/protocol.js by build-classic.mjs: do not edit.\n'use strict';\n(() => {\n${body}\nself.openbellProtocol = Object.freeze({ ${names.join(', ')} });\n})();\n`);
