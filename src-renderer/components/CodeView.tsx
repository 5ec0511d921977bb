/**
 * Monaco for bodies and messages; the theme follows the app's. Read-only unless `onChange` is
 * given (the request editor): then the user's edits are reported, and a `text` that only echoes
 * them back leaves the model alone, so the cursor stays where it is.
 */
import { useEffect, useRef } from 'react';
import type { BodyLanguage } from './body-format.js';
import { monaco, monacoLanguage } from './monaco.js';
import { useResolvedTheme } from './theme.js';

interface CodeViewProps {
  text: string;
  language: BodyLanguage | 'hex';
  label: string;
  onChange?(text: string): void;
}

export default function CodeView({ text, language, label, onChange }: CodeViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  /** A new `text` being put in: not the user's edit, so not reported. */
  const applying = useRef(false);
  const editable = onChange !== undefined;
  const theme = useResolvedTheme();

  useEffect(() => {
    const created = monaco.editor.create(host.current!, {
      readOnly: !editable,
      domReadOnly: !editable,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      fontSize: 12,
      renderLineHighlight: editable ? 'line' : 'none',
      ariaLabel: label,
      unicodeHighlight: { ambiguousCharacters: false },
    });
    const listener = created.onDidChangeModelContent(() => {
      if (!applying.current) changed.current?.(created.getValue());
    });
    editor.current = created;
    return () => {
      listener.dispose();
      created.getModel()?.dispose();
      created.dispose();
      editor.current = null;
    };
  }, [label, editable]);

  useEffect(() => {
    const current = editor.current;
    if (!current) return;
    const mode = language === 'hex' ? 'plaintext' : monacoLanguage(language);
    const model = current.getModel();
    if (editable && model) {
      if (model.getValue() !== text) {
        applying.current = true;
        model.setValue(text);
        applying.current = false;
      }
      monaco.editor.setModelLanguage(model, mode);
      return;
    }
    current.setModel(monaco.editor.createModel(text, mode));
    current.updateOptions({ wordWrap: language === 'hex' ? 'off' : 'on' });
    model?.dispose();
  }, [text, language, label, editable]);

  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);

  return <div className={`code-view${editable ? ' editable' : ''}`} ref={host} data-testid="code-view" />;
}
