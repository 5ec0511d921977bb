/**
 * Functions the UI bench runs inside the page (Playwright serializes them, so each one is
 * self-contained: no imports, no module-level helpers). They time what the user sees against
 * the page's own clock, so Playwright's round trips to the browser stay out of the figures.
 */

/** One RPC call as the page's WebSocket saw it, in page milliseconds. */
export interface RpcTiming {
  id: number;
  call: string;
  sent: number;
  received: number | null;
  bytes: number;
}

export interface PageProbes {
  rpc: RpcTiming[];
  /** The app creates its WebSocket as the last step of evaluating its bundle (main.tsx). */
  wsCreated: number | null;
  /** The 'open' event waits for the main thread, so it also marks the end of React's first mount. */
  wsOpen: number | null;
  /** The (empty) flow list is in the DOM: React's first mount is done. */
  listMounted: number | null;
  firstRowCommitted: number | null;
}

/**
 * Init script: before the app runs, wrap WebSocket to time every RPC call by id, and note when
 * the first flow row enters the DOM. Only the reply's leading `{"id":N` is read, so the probe
 * adds no JSON parse of the page's data.
 */
export function installProbes(): void {
  const probes: PageProbes = { rpc: [], wsCreated: null, wsOpen: null, listMounted: null, firstRowCommitted: null };
  (window as unknown as { __bench: PageProbes }).__bench = probes;
  const byId = new Map<number, RpcTiming>();
  const Native = window.WebSocket;
  class TimedWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      probes.wsCreated ??= performance.now();
      this.addEventListener('open', () => {
        probes.wsOpen ??= performance.now();
      });
      this.addEventListener('message', (event: MessageEvent) => {
        const text = String(event.data);
        const id = /^\{"id":(\d+)/.exec(text)?.[1];
        const timing = id === undefined ? undefined : byId.get(Number(id));
        if (timing) {
          timing.received = performance.now();
          timing.bytes = text.length;
        }
      });
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      if (typeof data === 'string') {
        const request = JSON.parse(data) as { id: number; call: string };
        const timing: RpcTiming = { id: request.id, call: request.call, sent: performance.now(), received: null, bytes: 0 };
        probes.rpc.push(timing);
        byId.set(request.id, timing);
      }
      super.send(data);
    }
  }
  window.WebSocket = TimedWebSocket;
  new MutationObserver((_, observer) => {
    if (probes.listMounted === null && document.querySelector('.flow-list')) probes.listMounted = performance.now();
    if (document.querySelector('[data-flow-id]')) {
      probes.firstRowCommitted = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

export interface FilterTarget {
  text: string;
  /** The ids of the first rows the list must show, newest first. */
  firstIds: number[];
  count: number;
  timeoutMs: number;
}

export interface FilterTiming {
  typedAt: number;
  rowsAt: number;
  countAt: number;
  rpc: RpcTiming[];
}

/**
 * Puts `text` into the filter input as one input event (the last keystroke of typing it), then
 * checks every frame until the list's first rows and the count both show the filter's result.
 */
export async function applyFilterInPage(target: FilterTarget): Promise<FilterTiming> {
  const input = document.querySelector<HTMLInputElement>('input[aria-label="Filter flows"]')!;
  const count = document.querySelector('[data-testid="flow-count"]')!;
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const rowsShown = () =>
    target.firstIds.every((id, i) => document.querySelector(`.flow-scroll [aria-rowindex="${i + 2}"]`)?.getAttribute('data-flow-id') === String(id));
  const countShown = () => {
    const text = count.textContent ?? '';
    return text.replace(/\D/g, '') === String(target.count) && text.includes(target.text.trim() === '' ? 'flow' : 'matching');
  };
  // React tracks the input's value itself: set it through the native setter so onChange fires.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, target.text);
  const typedAt = performance.now();
  input.dispatchEvent(new Event('input', { bubbles: true }));
  let rowsAt = NaN;
  let countAt = NaN;
  while (Number.isNaN(rowsAt) || Number.isNaN(countAt)) {
    await frame();
    const now = performance.now();
    if (Number.isNaN(rowsAt) && rowsShown()) rowsAt = now;
    if (Number.isNaN(countAt) && countShown()) countAt = now;
    if (now - typedAt > target.timeoutMs) {
      throw new Error(`The filter ${JSON.stringify(target.text)} did not show its rows and count ${target.count} within ${target.timeoutMs} ms (count shows "${count.textContent}").`);
    }
  }
  const rpc = (window as unknown as { __bench: PageProbes }).__bench.rpc.filter((call) => call.sent >= typedAt);
  return { typedAt, rowsAt, countAt, rpc };
}

export interface ScrollTarget {
  /** The newest flow's id: rows passed = topId - the id of the row at the top of the viewport. */
  topId: number;
  rowsToPass: number;
  /** Give up (and say so) after this long. */
  budgetMs: number;
  /** How long the list may show no row to scroll to before the bench counts it as broken. */
  stallLimitMs: number;
}

export interface ScrollResult {
  rowsPassed: number;
  ms: number;
  steps: number;
  /** Frames after a step in which the viewport's top or bottom edge had no row drawn yet. */
  blankFrames: number;
  /** Steps that hit the end of the loaded rows and waited for the next older page. */
  waitsForPage: number;
  /** Time spent in those waits: how long the list stood still at the end of its rows. */
  pageWaitMs: number;
  longestPageWaitMs: number;
  rowsInDom: number;
}

/**
 * Scrolls the flow list down one viewport per frame, as a fast, steady wheel or PageDown would,
 * until `rowsToPass` more rows have gone by. When the end of the loaded rows is reached it waits
 * for the list to load the next older page, as a user would have to.
 */
export async function scrollInPage(target: ScrollTarget): Promise<ScrollResult> {
  const element = document.querySelector<HTMLElement>('.flow-scroll')!;
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const box = element.getBoundingClientRect();
  const rowAt = (y: number) => document.elementFromPoint(box.left + 8, y)?.closest('[data-flow-id]') ?? null;
  const topRowId = () => Number(rowAt(box.top + 2)?.getAttribute('data-flow-id') ?? NaN);
  const bottomEdgeDrawn = () => rowAt(box.bottom - 2) !== null || element.scrollTop + element.clientHeight >= element.scrollHeight - 1;
  const passed = () => target.topId - topRowId();
  const start = performance.now();
  const goal = passed() + target.rowsToPass;
  let steps = 0;
  let blankFrames = 0;
  let waitsForPage = 0;
  let pageWaitMs = 0;
  let longestPageWaitMs = 0;
  while (!(passed() >= goal) && performance.now() - start < target.budgetMs) {
    element.scrollTop += element.clientHeight;
    steps += 1;
    await frame();
    const stepStart = performance.now();
    while (Number.isNaN(topRowId()) || !bottomEdgeDrawn()) {
      blankFrames += 1;
      await frame();
      if (performance.now() - stepStart > target.stallLimitMs) throw new Error(`The flow list drew no rows for ${target.stallLimitMs} ms at scrollTop ${element.scrollTop}.`);
    }
    if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) {
      // At the end of the loaded rows: the list asked for an older page on the way here.
      waitsForPage += 1;
      const waitStart = performance.now();
      while (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) {
        await frame();
        if (performance.now() - stepStart > target.stallLimitMs) throw new Error(`No older page arrived within ${target.stallLimitMs} ms at row ${passed()}.`);
      }
      const waited = performance.now() - waitStart;
      pageWaitMs += waited;
      longestPageWaitMs = Math.max(longestPageWaitMs, waited);
    }
  }
  return {
    rowsPassed: passed(),
    ms: performance.now() - start,
    steps,
    blankFrames,
    waitsForPage,
    pageWaitMs,
    longestPageWaitMs,
    rowsInDom: element.querySelectorAll('[data-flow-id]').length,
  };
}
