export { appMainFrameOnly, registerIpc, type Disposable, type EventTarget, type SenderCheck } from './register-ipc.js';
