// Fails on a broken internal link of the built book: every relative href or src of
// every page must name a file of the book, and its #fragment an id on that page.
// Usage: node scripts/check-book-links.mjs docs/book
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative, sep } from 'node:path';

const root = resolve(process.argv[2] ?? 'docs/book');
const pages = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.html')) pages.push(path);
  }
})(root);

const ids = new Map();
const idsOf = (page) => {
  if (!ids.has(page)) {
    const html = readFileSync(page, 'utf8');
    ids.set(page, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  return ids.get(page);
};

const broken = [];
for (const page of pages) {
  const html = readFileSync(page, 'utf8');
  for (const [, target] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    // External, or absolute (the 404 page's links to the site's root depend on where it is served).
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
    const [path, fragment] = target.split('#');
    const file = path === '' ? page : resolve(dirname(page), decodeURI(path));
    const where = `${relative(root, page)} → ${target}`;
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      broken.push(`${where}: no such file`);
    } else if (fragment && file.endsWith('.html') && !idsOf(file).has(decodeURIComponent(fragment))) {
      broken.push(`${where}: no #${fragment} there`);
    }
  }
}
if (pages.length === 0) {
  console.error(`no pages in ${root}: build the book first (mdbook build docs)`);
  process.exit(1);
}
if (broken.length > 0) {
  console.error(`${broken.length} broken link(s) in the book:\n${broken.join('\n')}`);
  process.exit(1);
}
console.log(`${pages.length} pages, every internal link resolves`);
