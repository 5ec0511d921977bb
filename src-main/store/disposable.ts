/**
 * Something running in the background (a timer, a listener, a task) that dispose() stops.
 * The store's one definition, exported from store/index.ts; it has no store-specific parts, so
 * the app's and the IPC transport's copies can adopt it (or it can move to src-shared) later.
 */
export interface Disposable {
  dispose(): void;
}
