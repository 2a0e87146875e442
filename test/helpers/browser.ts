/**
 * One page of a real browser without an npm browser download or a new dependency: Debian's
 * Chromium (`make setup-browser`) driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages, each ended by a NUL byte, written to the browser's
 * file descriptor 3 and read from its descriptor 4). Node 20 has no WebSocket client without
 * a flag, and the pipe needs none; Playwright would bring its own browser builds.
 *
 * Used by test/report-browser.test.ts (full tier) and bench/report-screenshot.ts (the
 * screenshot of the example sweep's report in docs/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

/** What to run when Chromium is missing; named in every skip and error message. */
export const CHROMIUM_INSTALL = 'make setup-browser (apt-get install -y chromium)';

/**
 * The Chromium executable: SPIKEFORGE_CHROMIUM when set (and then only that, so a wrong
 * path is reported rather than silently replaced), else where Debian's package puts it.
 */
export function chromiumPath(): string | null {
  const forced = process.env['SPIKEFORGE_CHROMIUM'];
  if (forced !== undefined && forced !== '') return existsSync(forced) ? forced : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
}

/**
 * A quiet headless run on a machine without network: no sandbox (containers, root), no GPU,
 * none of the background connections (component updates, sync, field trials) that fail
 * noisily offline, and a fresh profile each time so no state leaks between runs.
 */
function chromiumFlags(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    '--mute-audio',
    '--force-color-profile=srgb',
    `--user-data-dir=${userDataDir}`,
    '--remote-debugging-pipe',
    'about:blank',
  ];
}

export interface ConsoleEntry {
  /** A console.* call, an uncaught exception (a page error), or a browser log entry (a failed load…). */
  source: 'console' | 'exception' | 'log';
  level: string;
  text: string;
}

type Params = Record<string, unknown>;
type Pending = { resolve: (v: Params) => void; reject: (e: Error) => void; method: string; timer: NodeJS.Timeout };

/**
 * A command that gets no answer in this long means the browser hangs; failing with the
 * command's name beats waiting for the test runner's hook limit. Not a measurement.
 */
const COMMAND_LIMIT_MS = 60_000;

export class BrowserPage {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { method: string; resolve: (params: Params) => void }[] = [];
  private buffer = '';
  private sessionId = '';
  private stderrTail = '';
  /** console.error/assert calls, uncaught exceptions and error-level log entries. */
  readonly errors: ConsoleEntry[] = [];
  /** Every console call and log entry, whatever its level, for diagnosis. */
  readonly messages: ConsoleEntry[] = [];
  /** Every URL the page requested (the page's own file included). */
  readonly requests: string[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    private readonly userDataDir: string,
  ) {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (t: string) => (this.stderrTail = (this.stderrTail + t).slice(-4000)));
    const out = proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(JSON.parse(text) as Params);
      }
    });
    proc.on('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`chromium exited (${code ?? signal}) during ${p.method}\nchromium stderr: ${this.stderrTail}`));
      }
      this.pending.clear();
    });
  }

  /** Starts Chromium with one blank page of `width` × `height` CSS pixels. */
  static async open(width = 1400, height = 1000): Promise<BrowserPage> {
    const exe = chromiumPath();
    if (!exe) throw new Error(`Chromium not found: run ${CHROMIUM_INSTALL}`);
    const userDataDir = mkdtempSync(join(tmpdir(), 'sf-chromium-'));
    const proc = spawn(exe, chromiumFlags(userDataDir), { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const page = new BrowserPage(proc, userDataDir);
    try {
      const { targetId } = (await page.send('Target.createTarget', { url: 'about:blank' }, false)) as { targetId: string };
      const { sessionId } = (await page.send('Target.attachToTarget', { targetId, flatten: true }, false)) as { sessionId: string };
      page.sessionId = sessionId;
      for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await page.send(`${domain}.enable`);
      await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    } catch (e) {
      await page.close();
      throw e;
    }
    return page;
  }

  private dispatch(msg: Params): void {
    if (typeof msg['id'] === 'number') {
      const p = this.pending.get(msg['id']);
      if (!p) return;
      this.pending.delete(msg['id']);
      clearTimeout(p.timer);
      if (msg['error']) p.reject(new Error(`${p.method}: ${JSON.stringify(msg['error'])}`));
      else p.resolve((msg['result'] ?? {}) as Params);
      return;
    }
    const method = String(msg['method']);
    const params = (msg['params'] ?? {}) as Params;
    this.record(method, params);
    const i = this.waiters.findIndex((w) => w.method === method);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(params);
  }

  private record(method: string, params: Params): void {
    if (method === 'Runtime.consoleAPICalled') {
      const args = (params['args'] as { value?: unknown; description?: string }[] | undefined) ?? [];
      const entry: ConsoleEntry = { source: 'console', level: String(params['type']), text: args.map((a) => String(a.value ?? a.description ?? '')).join(' ') };
      this.messages.push(entry);
      if (entry.level === 'error' || entry.level === 'assert') this.errors.push(entry);
    } else if (method === 'Runtime.exceptionThrown') {
      const d = params['exceptionDetails'] as { text?: string; exception?: { description?: string } };
      const entry: ConsoleEntry = { source: 'exception', level: 'error', text: `${d.text ?? ''} ${d.exception?.description ?? ''}`.trim() };
      this.messages.push(entry);
      this.errors.push(entry);
    } else if (method === 'Log.entryAdded') {
      const e = params['entry'] as { level: string; text: string; url?: string };
      const entry: ConsoleEntry = { source: 'log', level: e.level, text: `${e.text}${e.url ? ` (${e.url})` : ''}` };
      this.messages.push(entry);
      if (e.level === 'error') this.errors.push(entry);
    } else if (method === 'Network.requestWillBeSent') {
      this.requests.push(String((params['request'] as { url: string }).url));
    }
  }

  /** A DevTools protocol command, on the page's session unless `onPage` is false. */
  send(method: string, params: Params = {}, onPage = true): Promise<Params> {
    const id = this.nextId++;
    const msg = { id, method, params, ...(onPage ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolveP, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`chromium did not answer ${method} within ${COMMAND_LIMIT_MS / 1000} s\nchromium stderr: ${this.stderrTail}`));
      }, COMMAND_LIMIT_MS);
      this.pending.set(id, { resolve: resolveP, reject, method, timer });
      (this.proc.stdio[3] as Writable).write(`${JSON.stringify(msg)}\0`);
    });
  }

  /** The next event of this kind; call before the command that causes it. */
  private nextEvent(method: string): Promise<Params> {
    return new Promise((resolveP) => this.waiters.push({ method, resolve: resolveP }));
  }

  /** Loads a local file, waits for its load event and for its fonts (so text has its size). */
  async goto(file: string): Promise<void> {
    const loaded = this.nextEvent('Page.loadEventFired');
    const r = (await this.send('Page.navigate', { url: pathToFileURL(resolve(file)).href })) as { errorText?: string };
    if (r.errorText) throw new Error(`cannot load ${file}: ${r.errorText}`);
    await loaded;
    await this.evaluate('document.fonts.ready.then(() => true)');
  }

  /** Evaluates an expression in the page; its value must be JSON-serialisable. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /**
   * A real mouse click (moved, pressed, released) at the centre of the first element matching
   * `selector`, scrolled into view first: it goes through hit testing, so an element covered
   * by another (a sticky header, an overflow) does not get it.
   */
  async click(selector: string): Promise<void> {
    const at = await this.evaluate<{ x: number; y: number } | null>(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null;
        e.scrollIntoView({ block: 'center', inline: 'center' }); const r = e.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
    );
    if (!at) throw new Error(`no element matches ${selector}`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: at.x, y: at.y, button: 'left', clickCount: type === 'mouseMoved' ? 0 : 1 });
    }
  }

  /** A PNG of the page from the top, `height` CSS pixels high (default: all of it). */
  async screenshot(height?: number): Promise<Buffer> {
    await this.evaluate('window.scrollTo(0, 0)');
    const size = await this.evaluate<{ w: number; h: number }>('({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })');
    const r = (await this.send('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: size.w, height: Math.min(size.h, height ?? size.h), scale: 1 },
    })) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      try {
        await Promise.race([this.send('Browser.close', {}, false), exited]);
      } catch {
        // It is going away either way; SIGKILL below if it did not.
      }
      // Browser.close answers before the process has gone; give it a moment to exit cleanly.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
      await exited;
    }
    // Chromium's helper processes may still be writing the profile as the browser exits.
    rmSync(this.userDataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}
