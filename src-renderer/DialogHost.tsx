/** The dialog the store says is open (one at a time). */
import { BatchReplayDialog, ReplayTargetDialog } from './features/replay/index.js';
import { ExportDialog } from './features/transfer/index.js';
import { useApp } from './store/index.js';

export function DialogHost() {
  const dialog = useApp((s) => s.ui.dialog);
  const close = useApp((s) => s.closeDialog);
  if (!dialog) return null;
  if (dialog.kind === 'replay-target') return <ReplayTargetDialog ids={dialog.ids} onClose={close} />;
  if (dialog.kind === 'batch') return <BatchReplayDialog ids={dialog.ids} onClose={close} />;
  return <ExportDialog ids={dialog.ids} format={dialog.format} onClose={close} />;
}
