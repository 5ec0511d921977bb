export { FlowList } from './FlowList.js';
export { FlowControls } from './FlowControls.js';
