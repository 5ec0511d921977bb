/**
 * What the flow list's context menu, keyboard and the detail pane do to flows. Several flows
 * replay as a batch (its dialog asks for the delay); the rest act directly and say how it went in
 * the notice banner.
 */
import { useMemo } from 'react';
import type { ExportFormat } from '../../../src-shared/model/transfer.js';
import { useServices } from '../../components/api-context.js';
import { appStore } from '../../store/index.js';
import { useEditorOpener } from '../editor/index.js';
import { resultText } from '../replay/index.js';
import { curlCommand } from './copy-curl.js';

export interface FlowActions {
  replay(ids: number[]): Promise<void>;
  replayTo(ids: number[]): void;
  /** The batch dialog: these flows, or a range of ids typed there. */
  batch(ids: number[]): void;
  edit(id: number): void;
  copyUrl(ids: number[]): Promise<void>;
  copyCurl(id: number): Promise<void>;
  exportAs(ids: number[], format: ExportFormat): void;
  remove(ids: number[]): Promise<void>;
}

const failed = (what: string, error: unknown) => appStore.getState().showNotice({ tone: 'error', text: `${what}: ${(error as Error).message}` });

export async function copyText(text: string, said: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    appStore.getState().showNotice({ tone: 'info', text: said });
  } catch (error) {
    failed('Could not write to the clipboard', error);
  }
}

export function useFlowActions(): FlowActions {
  const { api } = useServices();
  const { editFlow } = useEditorOpener();
  return useMemo(() => {
    const { openDialog, showNotice } = appStore.getState();
    return {
      async replay(ids) {
        if (ids.length !== 1) return openDialog({ kind: 'batch', ids });
        const id = ids[0]!;
        try {
          const result = await api['replay.flow']({ id });
          showNotice({ tone: result.error ? 'error' : 'info', text: `Replayed flow #${id} as #${result.flowId}: ${resultText(result)}`, flowId: result.flowId });
        } catch (error) {
          failed(`Could not replay flow #${id}`, error);
        }
      },
      replayTo: (ids) => openDialog({ kind: 'replay-target', ids }),
      batch: (ids) => openDialog({ kind: 'batch', ids }),
      edit: (id) => void editFlow(id),
      async copyUrl(ids) {
        try {
          const flows = await Promise.all(ids.map((id) => api['flows.get']({ id })));
          await copyText(flows.map((f) => f.url).join('\n'), ids.length === 1 ? `Copied the URL of flow #${ids[0]}.` : `Copied ${ids.length} URLs.`);
        } catch (error) {
          failed('Could not copy the URL', error);
        }
      },
      async copyCurl(id) {
        try {
          await copyText(await curlCommand(api, id), `Copied flow #${id} as a curl command.`);
        } catch (error) {
          failed('Could not copy as curl', error);
        }
      },
      exportAs: (ids, format) => openDialog({ kind: 'export', ids, format }),
      async remove(ids) {
        try {
          await api['flows.delete']({ ids });
        } catch (error) {
          failed(`Could not delete ${ids.length === 1 ? `flow #${ids[0]}` : `${ids.length} flows`}`, error);
        }
      },
    } satisfies FlowActions;
  }, [api, editFlow]);
}
