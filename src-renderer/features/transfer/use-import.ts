/**
 * Importing a file the user picked or dropped: its text goes to import.flows, and a notice says how
 * many flows came in, or the service's error as it is (it names the wrong entry or line).
 */
import { useCallback } from 'react';
import { useServices } from '../../components/api-context.js';
import { formatBytes } from '../../components/format.js';
import { useApp } from '../../store/index.js';

/** import.flows carries the text in one message; the CLI streams larger files. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export function useImport(): (file: File) => Promise<void> {
  const { api, queries } = useServices();
  const showNotice = useApp((s) => s.showNotice);
  return useCallback(async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) {
      showNotice({ tone: 'error', text: `${file.name} is ${formatBytes(file.size)}, too large to import here (at most ${formatBytes(MAX_IMPORT_BYTES)}). Use: flowscope import "${file.name}"` });
      return;
    }
    showNotice({ tone: 'info', text: `Importing ${file.name}…` });
    try {
      const result = await api['import.flows']({ filename: file.name, text: await file.text() });
      const n = result.imported;
      showNotice({
        tone: 'info',
        text: `Imported ${n.toLocaleString()} ${n === 1 ? 'flow' : 'flows'} from ${file.name}`,
        ...(result.lastId !== null && { flowId: result.lastId }),
      });
      // The new flows are the newest ids: show them, whatever the live tail was doing.
      void queries.flows.resumeFollow();
    } catch (error) {
      // The service's message names the file and the wrong entry or line already.
      showNotice({ tone: 'error', text: (error as Error).message });
    }
  }, [api, queries, showNotice]);
}
