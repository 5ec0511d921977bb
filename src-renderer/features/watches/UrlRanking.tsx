/** The unique URLs a watch collected, best first: the best one highlighted with why, to copy or export. */
import { CopyButton } from '../../components/CopyButton.js';
import { downloadText } from '../../components/download.js';
import type { WatchUrls } from '../../store/index.js';
import { URL_FLOW_LIMIT } from '../../store/url-collector.js';

/** URLs listed on screen; Copy all and Export list carry every one. */
const SHOWN = 30;

function fileName(watchName: string): string {
  const slug = watchName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'watch';
  return `${slug}-urls.txt`;
}

export function UrlRanking({ urls, watchName }: { urls: WatchUrls | null; watchName: string }) {
  if (!urls) return <p className="muted url-summary">Collecting URLs…</p>;
  const { ranked, flowsScanned, capped } = urls;
  const best = ranked[0];
  if (!best) return <p className="muted url-summary">No URLs yet.</p>;
  const all = ranked.map((r) => r.url).join('\n');
  return (
    <div className="url-ranking">
      <p className="muted url-summary" data-testid="url-summary">
        {ranked.length.toLocaleString()} unique URL{ranked.length === 1 ? '' : 's'} from {flowsScanned.toLocaleString()} flow{flowsScanned === 1 ? '' : 's'}
        {capped ? ` (the newest ${URL_FLOW_LIMIT.toLocaleString()} when the watch started, and every one since)` : ''}
      </p>
      <div className="url-actions">
        <CopyButton value={best.url} label="Copy best URL" />
        <CopyButton value={`${all}\n`} label="Copy all" />
        <button type="button" onClick={() => downloadText(fileName(watchName), `${all}\n`)} title="Download the ranked URLs as a text file, best first">Export list</button>
      </div>
      <ol className="url-list" aria-label="Ranked URLs">
        {ranked.slice(0, SHOWN).map((entry, i) => (
          <li key={entry.url} className={i === 0 ? 'best' : undefined} title={i === 0 ? undefined : entry.reasons.join(' · ')} data-testid={i === 0 ? 'best-url' : undefined}>
            {i === 0 ? <span className="badge best-badge">Best URL</span> : null}
            <code className="url-text">{entry.url}</code>
            {i === 0 ? <span className="reasons">{entry.reasons.join(' · ')}</span> : null}
          </li>
        ))}
      </ol>
      {ranked.length > SHOWN ? <p className="muted url-summary">…and {(ranked.length - SHOWN).toLocaleString()} more in Copy all and Export list.</p> : null}
    </div>
  );
}
