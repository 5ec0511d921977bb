import type { CountBy, Stats } from '../../src-shared/api/types.js';
import type { SqlFilter } from './filter-sql.js';
import { slowestSql, statsGroupsSql, type ReadStatements } from './statements.js';

/** Busiest hosts, hosts by failure rate and slowest flows: this many of each. */
const TOP = 10;

interface GroupRow {
  host: string;
  method: string;
  status_code: number | null;
  traffic_class: string;
  total: number;
  errors: number;
  failed: number;
  duration_sum: number;
  duration_count: number;
  duration_max: number | null;
}

interface SlowRow {
  id: number;
  method: string;
  host: string;
  path: string;
  duration_ms: number;
  status_code: number | null;
}

function statusClass(code: number | null): string {
  return code !== null && code >= 100 && code <= 599 ? `${Math.floor(code / 100)}xx` : 'none';
}

function add(counts: Map<string, number>, key: string, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/** Most first; ties by name, so the order is stable between refreshes. */
function byCount(counts: Map<string, number>): CountBy[] {
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * A lower bound on the duration of the `TOP` slowest flows: the TOP-th largest of the groups'
 * maximum durations, since those TOP flows are at least that slow. No bound with fewer groups.
 */
function slowestBound(groups: GroupRow[]): number {
  const maxima = groups.flatMap((group) => (group.duration_max === null ? [] : [group.duration_max])).sort((a, b) => b - a);
  return maxima.length >= TOP ? maxima[TOP - 1]! : -Infinity;
}

/**
 * The stats view of the flows a filter matches. One grouped scan yields every count (a scan per
 * chart would read a million rows several times). The slowest flows take a second scan: there is
 * no duration index (it made every write slower), and finding them in the grouped pass would take
 * a JavaScript call per row or a temporary copy of every match. The groups' maximum durations
 * bound that scan, so the filter is not evaluated again on most rows (see slowestSql).
 */
export function trafficStats(s: ReadStatements, filter: SqlFilter): Stats {
  const groups = s.filtered.get<GroupRow>(statsGroupsSql(filter.where)).all(...filter.params);
  let total = 0;
  let errors = 0;
  let failed = 0;
  let durationSum = 0;
  let durationCount = 0;
  const methods = new Map<string, number>();
  const classes = new Map<string, number>();
  const trafficClasses = new Map<string, number>();
  const hosts = new Map<string, number>();
  const failedByHost = new Map<string, number>();
  for (const group of groups) {
    total += group.total;
    errors += group.errors;
    failed += group.failed;
    durationSum += group.duration_sum;
    durationCount += group.duration_count;
    add(methods, group.method, group.total);
    add(classes, statusClass(group.status_code), group.total);
    add(trafficClasses, group.traffic_class, group.total);
    add(hosts, group.host, group.total);
    add(failedByHost, group.host, group.failed);
  }
  const errorRateByHost = [...failedByHost]
    .filter(([, failed]) => failed > 0)
    .map(([host, failed]) => ({ host, total: hosts.get(host)!, failed, rate: failed / hosts.get(host)! }))
    .sort((a, b) => b.rate - a.rate || b.failed - a.failed || a.host.localeCompare(b.host))
    .slice(0, TOP);
  const slowest = s.filtered.get<SlowRow>(slowestSql(filter.where)).all(slowestBound(groups), ...filter.params, TOP).map((row) => ({
    id: row.id,
    method: row.method,
    host: row.host,
    path: row.path,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
  }));
  return {
    total,
    errors,
    failed,
    averageDurationMs: durationCount === 0 ? null : durationSum / durationCount,
    byMethod: byCount(methods),
    byStatusClass: [...classes].map(([key, count]) => ({ key, count })).sort((a, b) => a.key.localeCompare(b.key)),
    byHost: byCount(hosts).slice(0, TOP),
    byTrafficClass: byCount(trafficClasses),
    errorRateByHost,
    slowest,
  };
}
