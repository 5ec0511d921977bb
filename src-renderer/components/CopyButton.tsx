import { useState } from 'react';

/** Copies a value and says so for a moment; the clipboard needs a secure context or Electron. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => setState('copied'),
      () => setState('failed'),
    ).finally(() => setTimeout(() => setState('idle'), 1200));
  };
  return (
    <button type="button" className="copy-button" onClick={copy} title={`${label} to the clipboard`}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
