export { FilterBar } from './FilterBar.js';
