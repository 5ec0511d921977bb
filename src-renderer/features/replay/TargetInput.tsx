/**
 * Where replays go instead of their own URL: one input for a full URL or only an origin, the
 * targets used last as suggestions, and whether to keep the original Host header.
 */
import { useEffect, useId, useState } from 'react';
import { useServices } from '../../components/api-context.js';
import { parseTarget, targetFor } from './target.js';

interface TargetInputProps {
  text: string;
  onText(text: string): void;
  keepHost: boolean;
  onKeepHost(keep: boolean): void;
  /** Show the validation message (after the first attempt to go ahead). */
  showError: boolean;
  /** The path and query of the one flow being replayed, for a preview of where it goes. */
  previewPath?: string;
}

export function TargetInput({ text, onText, keepHost, onKeepHost, showError, previewPath }: TargetInputProps) {
  const { api } = useServices();
  const [targets, setTargets] = useState<string[]>([]);
  const id = useId();
  useEffect(() => {
    let live = true;
    api['replay.targets']({}).then((answer) => live && setTargets(answer.targets), () => undefined);
    return () => {
      live = false;
    };
  }, [api]);

  const parsed = parseTarget(text);
  const error = showError && !parsed.ok ? parsed.error : null;
  return (
    <div className="target-input">
      <label className="stacked" htmlFor={`${id}-url`}>Send to</label>
      <input
        id={`${id}-url`}
        type="text"
        className="wide"
        value={text}
        placeholder="http://localhost:3000"
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? 'true' : 'false'}
        aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
        onChange={(e) => onText(e.target.value)}
      />
      <small id={`${id}-help`} className="muted help">
        A full URL sends every request to exactly that URL. Only an origin, such as <code>http://localhost:3000</code>, keeps each
        request&apos;s own path and query.
      </small>
      {error ? <small id={`${id}-error`} className="field-error" role="alert">{error}</small> : null}
      {parsed.ok && previewPath !== undefined ? (
        <small className="preview" data-testid="target-preview">Goes to <code>{targetFor(parsed, previewPath)}</code></small>
      ) : null}
      {targets.length > 0 ? (
        <div className="suggestions" role="group" aria-label="Recent targets">
          <span className="muted">Recent:</span>
          {targets.map((target) => (
            <button type="button" key={target} className="chip" onClick={() => onText(target)} title={`Send to ${target}`}>{target}</button>
          ))}
        </div>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={keepHost} onChange={(e) => onKeepHost(e.target.checked)} />
        Keep original Host header
      </label>
    </div>
  );
}
