/**
 * A context menu at the pointer, kept inside the window. Arrow keys move between items, Enter
 * picks one, Escape, Tab, a click elsewhere, scrolling or resizing close it. Focus returns to
 * where it was when the menu closes.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  /** Why it is disabled, shown as its tooltip. */
  hint?: string;
  separatorBefore?: boolean;
  danger?: boolean;
}

const MARGIN = 4;

export function ContextMenu({ x, y, items, label, onClose }: { x: number; y: number; items: MenuItem[]; label: string; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });
  const close = useRef(onClose);
  close.current = onClose;
  /** Where focus was before the menu took it. */
  const returnFocus = useRef<HTMLElement | null>(null);

  useLayoutEffect(() => {
    const menu = ref.current!;
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(MARGIN, Math.min(x, window.innerWidth - width - MARGIN)),
      top: Math.max(MARGIN, Math.min(y, window.innerHeight - height - MARGIN)),
    });
    if (!menu.contains(document.activeElement)) returnFocus.current = document.activeElement as HTMLElement | null;
    menu.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')?.focus();
  }, [x, y]);

  useEffect(() => {
    const outside = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) close.current();
    };
    const closeNow = () => close.current();
    document.addEventListener('mousedown', outside, true);
    document.addEventListener('scroll', outside, true);
    window.addEventListener('resize', closeNow);
    window.addEventListener('blur', closeNow);
    return () => {
      document.removeEventListener('mousedown', outside, true);
      document.removeEventListener('scroll', outside, true);
      window.removeEventListener('resize', closeNow);
      window.removeEventListener('blur', closeNow);
      const previous = returnFocus.current;
      if (previous?.isConnected && (document.activeElement === document.body || ref.current?.contains(document.activeElement))) previous.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...ref.current!.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 };
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (event.key in moves && buttons.length > 0) {
      event.preventDefault();
      buttons[(moves[event.key]! + buttons.length) % buttons.length]!.focus();
    }
  };

  return (
    <div ref={ref} className="context-menu" role="menu" aria-label={label} style={position} onKeyDown={onKeyDown} onContextMenu={(e) => e.preventDefault()}>
      {items.map((item) => (
        <div key={item.label} role="none">
          {item.separatorBefore ? <div className="menu-separator" role="separator" /> : null}
          <button
            type="button"
            role="menuitem"
            className={item.danger ? 'danger' : undefined}
            disabled={item.disabled}
            title={item.disabled ? item.hint : undefined}
            onClick={() => {
              onClose();
              item.onSelect();
            }}
          >
            {item.label}
          </button>
        </div>
      ))}
    </div>
  );
}
