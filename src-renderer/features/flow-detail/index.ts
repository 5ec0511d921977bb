export { FlowDetail } from './FlowDetail.js';
