/**
 * Opening the request editor: blank ("New request"), or prefilled from a captured flow ("Edit and
 * replay"): headers as captured and the body content-decoded, so it reads and edits as text.
 */
import { useCallback } from 'react';
import { useServices } from '../../components/api-context.js';
import { blankDraft, draftFromFlow } from '../../store/editor-draft.js';
import { useApp } from '../../store/index.js';

export function useEditorOpener(): { editFlow(id: number): Promise<void>; newRequest(): void } {
  const { api } = useServices();
  const editorOpened = useApp((s) => s.editorOpened);
  const showNotice = useApp((s) => s.showNotice);

  const editFlow = useCallback(async (id: number) => {
    try {
      const flow = await api['flows.get']({ id });
      const body = flow.requestBody.wireSize > 0 ? await api['flows.body']({ id, side: 'request', decoded: true }) : null;
      editorOpened(draftFromFlow(flow, body));
    } catch (error) {
      showNotice({ tone: 'error', text: `Could not open flow #${id} in the editor: ${(error as Error).message}` });
    }
  }, [api, editorOpened, showNotice]);

  const newRequest = useCallback(() => editorOpened(blankDraft()), [editorOpened]);
  return { editFlow, newRequest };
}
