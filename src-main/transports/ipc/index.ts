export { appMainFrameOnly, registerIpc, type EventTarget, type SenderCheck } from './register-ipc.js';
