/** The one-line notice under the toolbar: how an import or a replay went. Information fades after a while; errors stay until dismissed. */
import { useEffect } from 'react';
import { useApp } from '../store/index.js';

const INFO_MS = 10_000;

export function NoticeBanner() {
  const notice = useApp((s) => s.ui.notice);
  const dismiss = useApp((s) => s.dismissNotice);
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  useEffect(() => {
    if (notice?.tone !== 'info') return;
    const timer = setTimeout(dismiss, INFO_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  if (!notice) return null;
  const { flowId } = notice;
  return (
    <div className={`banner${notice.tone === 'error' ? ' error' : ' info'}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span className="notice-text">{notice.text}</span>{' '}
      {flowId !== undefined ? (
        <button type="button" className="link" onClick={() => (select(flowId), setView('traffic'))}>Show flow #{flowId}</button>
      ) : null}{' '}
      <button type="button" className="link" onClick={dismiss}>Dismiss</button>
    </div>
  );
}
