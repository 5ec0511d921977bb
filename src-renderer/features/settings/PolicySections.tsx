/** The Settings sections for listeners, upstream proxies, TLS, client addresses, limits, traffic classes and the flow log. */
import { FieldNotes, ListField, TextField, type Form } from './fields.js';
import type { Draft } from './settings-draft.js';

export function ListenersSection({ form }: { form: Form }) {
  return (
    <fieldset>
      <legend>Listeners</legend>
      <ListField
        form={form} name="modes" rows={2} placeholder="regular"
        hint={<>One per line: <code>regular</code>, or <code>reverse:http://host:port</code>, optionally <code>@PORT</code> (e.g. <code>reverse:http://localhost:3000@8081</code>).</>}
      />
      <label className="check field-check">
        <input type="checkbox" checked={form.draft.keepHostHeader} onChange={(e) => form.edit({ keepHostHeader: e.target.checked })} />
        <span>Keep the Host header: reverse mode sends the client&apos;s Host on to the backend, not the backend&apos;s own.</span>
      </label>
    </fieldset>
  );
}

export function UpstreamSection({ form }: { form: Form }) {
  return (
    <fieldset>
      <legend>Upstream proxies</legend>
      <ListField
        form={form} name="upstreamProxies" placeholder="http://user:pass@proxy.example:3128"
        hint={<>One per line: <code>http://</code>, <code>https://</code> or <code>socks5://</code> with a port; credentials in the URL. Empty: connect directly.</>}
      />
      <div className="field">
        <label htmlFor="field-upstreamRotation">Rotation</label>
        <select id="field-upstreamRotation" name="upstreamRotation" value={form.draft.upstreamRotation} onChange={(e) => form.edit({ upstreamRotation: e.target.value as Draft['upstreamRotation'] })}>
          <option value="round-robin">Round robin: each in turn</option>
          <option value="random">Random</option>
        </select>
        <FieldNotes form={form} name="upstreamRotation" />
      </div>
    </fieldset>
  );
}

export function TlsSection({ form }: { form: Form }) {
  const mode = form.draft.tlsMode;
  const choice = (value: Draft['tlsMode'], text: string) => (
    <label className="check">
      <input type="radio" name="tlsMode" value={value} checked={mode === value} onChange={() => form.edit({ tlsMode: value })} />
      <span>{text}</span>
    </label>
  );
  return (
    <fieldset>
      <legend>TLS</legend>
      <div className="radio-row" role="radiogroup" aria-label="Which HTTPS to decrypt">
        {choice('passthrough', 'Decrypt all HTTPS except these hosts (passthrough)')}
        {choice('intercept-only', 'Decrypt only these hosts (intercept only)')}
      </div>
      <ListField
        form={form} name="tlsHosts" placeholder={mode === 'passthrough' ? 'bank.example.com' : 'api.example.com'}
        hint={<>One per line: <code>example.com</code> or <code>*.example.com</code>. {mode === 'passthrough' ? 'These are relayed untouched, not decrypted.' : 'Empty: decrypt every host.'}</>}
      />
    </fieldset>
  );
}

export function ClientsSection({ form }: { form: Form }) {
  return (
    <fieldset>
      <legend>Client addresses</legend>
      <ListField form={form} name="allowIps" placeholder="192.168.1.0/24" hint="One IP address or CIDR range per line. Empty: every client may connect." />
      <ListField form={form} name="denyIps" placeholder="10.0.0.7" hint="Refused even when allowed above." />
    </fieldset>
  );
}

export function LimitsSection({ form }: { form: Form }) {
  return (
    <fieldset>
      <legend>Limits</legend>
      <TextField form={form} name="maxConcurrent" numeric placeholder="no limit" hint="More wait their turn." />
      <TextField form={form} name="connectTimeoutSeconds" numeric placeholder="no limit" hint="Then the client gets 504." />
      <TextField form={form} name="idleTimeoutSeconds" numeric placeholder="no limit" hint="An upstream silent this long gets the client a 504." />
      <TextField form={form} name="maxRequestBodyBytes" numeric placeholder="no limit" hint="Larger requests are refused with 413." />
    </fieldset>
  );
}

export function ClassesAndLogSection({ form }: { form: Form }) {
  return (
    <fieldset>
      <legend>Traffic classes and flow log</legend>
      <ListField form={form} name="llmHosts" rows={2} placeholder="llm.internal.example" hint="Hosts to mark as LLM traffic besides the well-known APIs. One per line; *.domain works." />
      <TextField form={form} name="logDir" placeholder="off" hint="Every flow is also appended as a JSON line to a dated file in this folder. Empty: off." />
    </fieldset>
  );
}
