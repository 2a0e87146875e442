/** `cache show` and `cache clean`: what the cache folder holds, and removing it (src/app/cache.ts). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CACHE_DIR } from '../base/paths.js';
import { cacheUsage, cleanCache, type CacheUsage, type CleanResult } from '../app/cache.js';
import type { Io } from './options.js';

/** 1536 → "1.5 KB": powers of 1024, as du -h counts. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

function usageText(u: CacheUsage): string {
  const lines = [`cache folder ${u.root}: ${formatBytes(u.bytes)}`];
  const name = Math.max(...u.kinds.map((k) => k.folder.length));
  for (const k of u.kinds) {
    const used = k.oldest === null ? '' : `, least recently used ${new Date(k.oldest).toISOString().slice(0, 10)}`;
    lines.push(`  ${k.folder.padEnd(name)}  ${String(k.entries).padStart(5)} ${k.entries === 1 ? 'entry  ' : 'entries'} ${formatBytes(k.bytes).padStart(9)}  ${k.what}${used}`);
  }
  if (u.live.count) lines.push(`  temporary folders of running processes: ${u.live.count} (${formatBytes(u.live.bytes)}), never removed`);
  if (u.abandoned.count) lines.push(`  leftovers of processes that are gone: ${u.abandoned.count} (${formatBytes(u.abandoned.bytes)}), removed by the next run or by cache clean`);
  if (u.foreign.length) {
    const more = u.foreign.length > 5 ? ` and ${u.foreign.length - 5} more` : '';
    lines.push(`  not spikeforge's, left alone: ${u.foreign.slice(0, 5).join(', ')}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

function cleanText(r: CleanResult, dryRun: boolean, unusedDays: number | undefined): string {
  const verb = dryRun ? 'would remove' : 'removed';
  const lines = dryRun ? r.removed.map((e) => `  ${e.path} (${formatBytes(e.bytes)})`) : [];
  const kept = unusedDays === undefined ? '' : `; kept ${r.kept} used in the last ${unusedDays} day${unusedDays === 1 ? '' : 's'}`;
  lines.push(`${verb} ${r.removed.length} ${r.removed.length === 1 ? 'entry' : 'entries'} (${formatBytes(r.bytes)}) from ${CACHE_DIR}${kept}`);
  return `${lines.join('\n')}\n`;
}

function days(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw new InvalidArgumentError(`"${v}" is not a number of days (0 or more)`);
  return n;
}

export function registerCacheCommands(program: Command, io: Io): void {
  const cache = program
    .command('cache')
    .summary('show what the cache folder holds, and clean it')
    .description(
      'The cache folder ($SPIKEFORGE_CACHE_DIR, else $XDG_CACHE_HOME/spikeforge, else ' +
        '~/.cache/spikeforge) keeps every compiled simulation, precompiled header and tool ' +
        'result, so that a second run does not build again. It only grows: `cache show` ' +
        'says how much each kind takes, `cache clean` removes them. Only what spikeforge ' +
        'writes is removed (anything else in the folder is left alone), and never the ' +
        'temporary folders of runs still going.',
    );

  cache
    .command('show')
    .summary('what the cache folder holds, by kind')
    .option('--json', 'print the usage as JSON')
    .action((opts: { json?: boolean }) => {
      const u = cacheUsage(CACHE_DIR);
      io.out(opts.json ? `${JSON.stringify(u, null, 2)}\n` : usageText(u));
    });

  cache
    .command('clean')
    .summary('remove compiled simulations and tool results (all, or unused ones)')
    .addOption(new Option('--unused-days <n>', 'remove only entries not used for N days (a model is "used" each time a run reuses it)').argParser(days))
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print what was removed as JSON')
    .description(
      'Remove spikeforge\'s entries from the cache folder: every one, or with --unused-days ' +
        'those no run has reused for N days, and the leftovers of killed runs. The next run ' +
        'builds what it needs again. With --unused-days it suits a cron job on a cluster\'s ' +
        'shared cache. A run that reuses an entry in the moment it is removed can fail on the ' +
        'missing file; run it again.',
    )
    .action(async (opts: { unusedDays?: number; dryRun?: boolean; json?: boolean }) => {
      const r = await cleanCache(CACHE_DIR, { unusedDays: opts.unusedDays, dryRun: opts.dryRun });
      io.out(opts.json ? `${JSON.stringify({ root: CACHE_DIR, dryRun: Boolean(opts.dryRun), ...r }, null, 2)}\n` : cleanText(r, Boolean(opts.dryRun), opts.unusedDays));
    });
}
