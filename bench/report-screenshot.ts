/**
 * The screenshot of the example sweep's report shown in docs/sweeps.md (`make
 * report-screenshot`):
 *
 * 1. re-renders examples/sweep-attention-results/report.html from the snapshot's
 *    results.json with this checkout's renderer (the snapshot's synthesis took 20 minutes;
 *    its numbers do not change when the page's layout does);
 * 2. opens it in headless Chromium (test/helpers/browser.ts) at 1400 × 1000 CSS pixels;
 * 3. writes a PNG of the page from the top down to the Fmax section (title, cards, the
 *    throughput and estimator plots, area against every swept parameter) to
 *    docs/sweep-report.png, and fails if the page logged an error.
 *
 *   node --import tsx bench/report-screenshot.ts [RESULTS_DIR] [OUT.png]
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { renderReport } from '../src/sweep/report.js';
import type { SweepResults } from '../src/sweep/results.js';
import { writeFileAtomically } from '../src/io/write.js';
import { BrowserPage } from '../test/helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(ROOT, 'examples', 'sweep-attention-results'));
  const out = resolve(process.argv[3] ?? join(ROOT, 'docs', 'sweep-report.png'));
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SweepResults;
  // The snapshot records the sweep file where it ran (another checkout); the report names
  // this checkout's copy of the same file when there is one, relative to the current folder.
  const local = join(ROOT, 'examples', basename(results.sweep.file));
  const shown = existsSync(local) ? { ...results, sweep: { ...results.sweep, file: local } } : results;
  const page = join(dir, 'report.html');
  writeFileAtomically(page, renderReport(shown));

  const browser = await BrowserPage.open(1400, 1000);
  try {
    await browser.goto(page);
    // Down to the heading of the Fmax section (or the table's when place-and-route did not run).
    const cut = await browser.evaluate<number>(
      `(() => { const h = [...document.querySelectorAll('h2')].find((e) => /^(Fmax|Points)/.test(e.textContent)); return Math.ceil(h.getBoundingClientRect().top + scrollY - 8); })()`,
    );
    const png = await browser.screenshot(cut);
    if (browser.errors.length) throw new Error(`the page logged errors: ${browser.errors.map((e) => e.text).join('; ')}`);
    writeFileAtomically(out, png);
    process.stdout.write(`wrote ${page} and ${out} (1400 × ${cut} px, ${png.length} bytes)\n`);
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
