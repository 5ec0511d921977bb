export { CaHelper } from './CaHelper.js';
