/** "Copy as curl": the flow's request as captured (the body raw, as it went on the wire), as a curl command. */
import type { ApiClient } from '../../../src-shared/api/contract.js';
import { toCurl } from '../../../src-shared/util/curl.js';
import { base64ToBytes } from '../../components/format.js';

export async function curlCommand(api: ApiClient, id: number): Promise<string> {
  const flow = await api['flows.get']({ id });
  const body = flow.requestBody.wireSize > 0 ? await api['flows.body']({ id, side: 'request', decoded: false }) : null;
  return toCurl({ method: flow.method, url: flow.url, headers: flow.requestHeaders, body: body ? base64ToBytes(body.base64) : null });
}
