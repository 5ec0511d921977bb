export { WebSocketMessages } from './WebSocketMessages.js';
