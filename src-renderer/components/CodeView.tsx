/** A read-only monaco editor for bodies and messages; the theme follows the app's. */
import { useEffect, useRef } from 'react';
import type { BodyLanguage } from './body-format.js';
import { monaco, monacoLanguage } from './monaco.js';
import { useResolvedTheme } from './theme.js';

export default function CodeView({ text, language, label }: { text: string; language: BodyLanguage | 'hex'; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const theme = useResolvedTheme();

  useEffect(() => {
    const created = monaco.editor.create(host.current!, {
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      fontSize: 12,
      renderLineHighlight: 'none',
      ariaLabel: label,
      unicodeHighlight: { ambiguousCharacters: false },
    });
    editor.current = created;
    return () => {
      created.getModel()?.dispose();
      created.dispose();
      editor.current = null;
    };
  }, [label]);

  useEffect(() => {
    const current = editor.current;
    if (!current) return;
    const old = current.getModel();
    current.setModel(monaco.editor.createModel(text, language === 'hex' ? 'plaintext' : monacoLanguage(language)));
    current.updateOptions({ wordWrap: language === 'hex' ? 'off' : 'on' });
    old?.dispose();
  }, [text, language, label]);

  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);

  return <div className="code-view" ref={host} data-testid="code-view" />;
}
