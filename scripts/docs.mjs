// Rewrites the tool table in README.md from the registry (run: npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { withToolTable } from '../dist/src/commands/docs.js';

const readme = readFileSync('README.md', 'utf8');
const next = withToolTable(readme);
if (next !== readme) writeFileSync('README.md', next);
console.log(next === readme ? 'README tool table is up to date' : 'README tool table updated');
