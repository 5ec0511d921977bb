export { FlowList } from './FlowList.js';
export { FlowControls } from './FlowControls.js';
export { SourceBadge } from './FlowRow.js';
export { useFlowActions } from './flow-actions.js';
