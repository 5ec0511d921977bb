/** The OS integration status (os.status), loaded on mount and after each action. */
import { useCallback, useEffect, useState } from 'react';
import type { OsStatus } from '../../../src-shared/api/types.js';
import { useServices } from '../../components/api-context.js';

export interface OsAction {
  status: OsStatus | null;
  /** The last action's outcome, said for a person. */
  message: { text: string; error: boolean } | null;
  busy: boolean;
  refresh(): void;
  run(action: () => Promise<{ message: string }>): Promise<void>;
}

export function useOsStatus(): OsAction {
  const { api } = useServices();
  const [status, setStatus] = useState<OsStatus | null>(null);
  const [message, setMessage] = useState<OsAction['message']>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(() => {
    api['os.status']({}).then(setStatus, (error: Error) => setMessage({ text: error.message, error: true }));
  }, [api]);
  useEffect(refresh, [refresh]);
  const run = useCallback(async (action: () => Promise<{ message: string }>) => {
    setBusy(true);
    try {
      setMessage({ text: (await action()).message, error: false });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    } finally {
      setBusy(false);
      refresh();
    }
  }, [refresh]);
  return { status, message, busy, refresh, run };
}
