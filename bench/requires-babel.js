// Start-up with a large dependency (bench/run.mjs): @babel/core and what it loads, ~200 CommonJS
// files in node_modules that ship source maps, plus one instrumented Map operation.
require('@babel/core');
const m = new Map([['loaded', true]]);
console.log(m.get('loaded'));
