/** Single instance and clean shutdown: the store must be flushed and unlocked before exit. */
import type { App, Event } from 'electron';
import type { Disposable } from '../../src-shared/util/disposable.js';

/**
 * Claims the single-instance lock. False: another Flowscope holds it (and has been told to come
 * forward), so this one should quit. A second start focuses the existing window instead.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'on'>, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => focusExisting());
  return true;
}

/**
 * On the first before-quit, holds the quit until `stop` has run (the runtime stops the proxy and
 * flushes the store), then quits for real. Later before-quits while stopping are held too, and
 * `stop` runs once whatever happens.
 */
export function installCleanShutdown(app: Pick<App, 'on' | 'off' | 'quit'>, stop: () => Promise<void>): Disposable {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  const onBeforeQuit = (event: Event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void stop()
      .catch((error: unknown) => console.error(`Flowscope: shutting down did not finish cleanly (${(error as Error).message}).`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  };
  app.on('before-quit', onBeforeQuit);
  return { dispose: () => app.off('before-quit', onBeforeQuit) };
}
