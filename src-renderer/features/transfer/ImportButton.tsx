import { useRef } from 'react';
import { useImport } from './use-import.js';

/** Import… in the toolbar: a file picker for HAR and Flowscope JSON files. */
export function ImportButton() {
  const input = useRef<HTMLInputElement>(null);
  const importFile = useImport();
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} title="Import flows from a HAR or Flowscope JSON file (or drop one on the window)">Import</button>
      <input
        ref={input}
        type="file"
        accept=".har,.json,.ndjson,application/json"
        aria-label="Import file"
        data-testid="import-input"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void importFile(file);
        }}
      />
    </>
  );
}
