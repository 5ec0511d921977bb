/** Something running in the background (a timer, a listener, a server, a task) that dispose() stops. */
export interface Disposable {
  dispose(): void;
}
