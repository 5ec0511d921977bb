/**
 * The filter input. Every keystroke is parsed with the shared parser (the same one the store
 * compiles to SQL), so a mistake is underlined in place at once; a valid filter is applied to the
 * list after a short pause in typing.
 */
import { useEffect, useRef, useState } from 'react';
import { describeFilterSyntax, parseFilter } from '../../../src-shared/filter/index.js';
import { useServices } from '../../components/api-context.js';
import { useApp } from '../../store/index.js';

const APPLY_DELAY_MS = 300;

export function FilterBar() {
  const { queries } = useServices();
  const text = useApp((s) => s.filter.text);
  const error = useApp((s) => s.filter.error);
  const filterEdited = useApp((s) => s.filterEdited);
  const [showHelp, setShowHelp] = useState(false);
  const mirror = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (error) return;
    const timer = setTimeout(() => void queries.flows.applyFilter(text.trim()), APPLY_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, error, queries]);

  const edit = (value: string) => {
    const result = parseFilter(value);
    filterEdited(value, result.ok ? null : result.error);
  };

  // The underline is drawn on a mirror of the text behind the input, scrolled along with it.
  const syncScroll = (input: HTMLInputElement) => {
    if (mirror.current) mirror.current.scrollLeft = input.scrollLeft;
  };

  const start = error ? Math.min(error.start, text.length) : 0;
  const end = error ? Math.max(Math.min(error.end, text.length), start) : 0;
  return (
    <div className={`filter-bar${error ? ' invalid' : ''}`}>
      <div className="filter-field">
        <div className="filter-mirror" ref={mirror} aria-hidden="true">
          {error ? (
            <>
              {text.slice(0, start)}
              <mark className="filter-error-span" data-testid="filter-error-span">{start === end ? ' ' : text.slice(start, end)}</mark>
              {text.slice(end)}
            </>
          ) : text}
        </div>
        <input
          type="search"
          aria-label="Filter flows"
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'filter-error' : undefined}
          placeholder="Filter: ~m POST & status:>=400 & ~d example.com"
          spellCheck={false}
          value={text}
          onChange={(e) => {
            edit(e.target.value);
            syncScroll(e.target);
          }}
          onScroll={(e) => syncScroll(e.currentTarget)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') edit('');
          }}
        />
      </div>
      <button type="button" className="help-button" aria-expanded={showHelp} onClick={() => setShowHelp((v) => !v)} title="Filter syntax">?</button>
      {error ? <div id="filter-error" className="filter-error" role="alert">{error.message}</div> : null}
      {showHelp ? (
        <div className="filter-help" role="dialog" aria-label="Filter syntax">
          <table>
            <tbody>
              {describeFilterSyntax().map((entry) => (
                <tr key={entry.syntax}><td><code>{entry.syntax}</code></td><td>{entry.description}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
