/** The flow list's context menu: what can be done to the clicked row, or to the selection it is part of. */
import { ContextMenu, type MenuItem } from '../../components/ContextMenu.js';
import { appStore } from '../../store/index.js';
import type { FlowActions } from './flow-actions.js';

export interface MenuRequest {
  x: number;
  y: number;
  ids: number[];
}

const ONE_HTTP_FLOW = 'Works on one HTTP flow at a time';

export function FlowMenu({ request, actions, onClose }: { request: MenuRequest; actions: FlowActions; onClose(): void }) {
  const { ids } = request;
  const { byId } = appStore.getState().flows;
  const websockets = ids.filter((id) => byId[id]?.kind === 'websocket').length;
  const oneHttp = ids.length === 1 && websockets === 0;
  const onlyWebsockets = websockets === ids.length;
  const items: MenuItem[] = [
    { label: 'Replay', onSelect: () => void actions.replay(ids), disabled: onlyWebsockets, hint: 'WebSocket connections cannot be replayed' },
    { label: 'Replay to alternate URL…', onSelect: () => actions.replayTo(ids), disabled: onlyWebsockets, hint: 'WebSocket connections cannot be replayed' },
    { label: 'Batch replay…', onSelect: () => actions.batch(ids), disabled: onlyWebsockets && ids.length === 1, hint: 'WebSocket connections cannot be replayed' },
    { label: 'Edit and replay', onSelect: () => actions.edit(ids[0]!), disabled: !oneHttp, hint: ONE_HTTP_FLOW },
    { label: 'Copy URL', onSelect: () => void actions.copyUrl(ids), separatorBefore: true },
    { label: 'Copy as curl', onSelect: () => void actions.copyCurl(ids[0]!), disabled: !oneHttp, hint: ONE_HTTP_FLOW },
    { label: 'Export selected as HAR', onSelect: () => actions.exportAs(ids, 'har'), separatorBefore: true },
    { label: 'Export selected as JSON', onSelect: () => actions.exportAs(ids, 'json') },
    { label: 'Delete', onSelect: () => void actions.remove(ids), separatorBefore: true, danger: true },
  ];
  const label = ids.length === 1 ? `Actions for flow #${ids[0]}` : `Actions for ${ids.length} flows`;
  return <ContextMenu x={request.x} y={request.y} items={items} label={label} onClose={onClose} />;
}
