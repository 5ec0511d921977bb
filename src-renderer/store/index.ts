/** The app's store instance and the React hooks that read it with stable selectors. */
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createAppStore, type AppState } from './app-store.js';

export * from './app-store.js';
export { PAGE_SIZE } from './flows-window.js';
export { MESSAGE_PAGE_SIZE } from './ws-window.js';
export { WATCH_RECENT, watchList, type WatchLive, type WatchUrls } from './watches.js';

export const appStore = createAppStore();

/** For selectors returning one value or one stored object (identity-stable). */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

/** For selectors that build an object or array: compared shallowly so they do not re-render forever. */
export function useAppShallow<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, useShallow(selector));
}
