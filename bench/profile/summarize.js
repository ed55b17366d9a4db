/**
 * Summarizes a .cpuprofile: self time by package, the hottest functions, and inclusive time
 * (a function and everything it called). `node bench/profile/summarize.js <file> [rows]`
 */
const fs = require('node:fs');

const profile = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const rows = Number(process.argv[3] || 30);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const timeOf = new Map();
profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) || 0) + profile.timeDeltas[i]));
const total = profile.timeDeltas.reduce((a, b) => a + b, 0);

const short = (url) =>
  url.replace(/.*node_modules\//, 'nm/').replace(/.*\/(activities|api|lib|workflows|worker|domain|web)\//, '$1/');
const label = (cf) => `${cf.functionName || '(anonymous)'} ${short(cf.url)}:${cf.lineNumber}`;
const packageOf = (cf) =>
  cf.url.includes('node_modules/')
    ? cf.url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
    : cf.url
      ? short(cf.url).split('/')[0]
      : `(${cf.functionName})`;

const self = new Map();
const byPackage = new Map();
const inclusive = new Map();
const add = (m, k, t) => m.set(k, (m.get(k) || 0) + t);
for (const [id, t] of timeOf) {
  const cf = nodes.get(id).callFrame;
  add(self, label(cf), t);
  add(byPackage, packageOf(cf), t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(nodes.get(cur).callFrame);
    if (!seen.has(k)) {
      seen.add(k);
      add(inclusive, k, t);
    }
  }
}
const show = (title, m) => {
  console.log(`--- ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`sampled ${(total / 1000).toFixed(0)} ms`);
show('self time by package', byPackage);
show('self time by function', self);
show('inclusive time', inclusive);
