// Fails the build when a message key is in one language's bundle and not in another's, or when a
// message's {placeholders} differ between languages.
import { readFileSync, readdirSync } from 'node:fs';

const dir = new URL('../src/messages/', import.meta.url);
const bundles = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace('.json', ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8'))]));
const reference = bundles.en;
const problems = [];
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
for (const [lang, bundle] of Object.entries(bundles)) {
  for (const key of Object.keys(reference)) {
    if (!(key in bundle)) problems.push(`${lang}: missing ${key}`);
    else if (placeholders(bundle[key]) !== placeholders(reference[key])) problems.push(`${lang}: ${key} has other placeholders`);
    else if (!bundle[key].trim()) problems.push(`${lang}: ${key} is empty`);
  }
  for (const key of Object.keys(bundle)) {
    if (!(key in reference)) problems.push(`${lang}: ${key} is not in en`);
  }
}
for (const [lang, bundle] of Object.entries(bundles)) {
  console.log(`i18n: ${lang} ${Object.keys(bundle).length} keys`);
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
