export { BatchReplayDialog } from './BatchReplayDialog.js';
export { ReplayTargetDialog } from './ReplayTargetDialog.js';
export { ReplayOutcome } from './ReplayOutcome.js';
export { resultText } from './outcome.js';
