/**
 * A modal dialog on the native <dialog> element: the browser keeps focus inside it, closes it on
 * Escape (the cancel event) and puts it above everything else. A click on the backdrop closes it too.
 * Focus starts on the element marked data-autofocus, else on the first field, not on the close button.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Dialog({ title, onClose, children, className = '' }: { title: string; onClose(): void; children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    (dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>('.dialog-body input:not([disabled])'))?.focus();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // The content fills the dialog, so only a click on the backdrop lands on the element itself.
      onMouseDown={(event) => event.target === ref.current && onClose()}
    >
      <div className="dialog-body">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="dialog-close" aria-label="Close dialog" title="Close (Esc)" onClick={onClose}>×</button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
