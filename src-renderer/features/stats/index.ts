export { StatsView } from './StatsView.js';
