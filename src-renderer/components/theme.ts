/** The theme actually shown: the user's choice, or the system's when they chose "system". */
import { useSyncExternalStore } from 'react';
import { useApp } from '../store/index.js';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

function subscribe(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function useResolvedTheme(): 'light' | 'dark' {
  const choice = useApp((s) => s.ui.theme);
  const systemDark = useSyncExternalStore(subscribe, () => darkQuery().matches);
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}
