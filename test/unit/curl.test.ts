import { describe, expect, it } from 'vitest';
import type { RawHeaders } from '../../src-shared/model/flow.js';
import { toCurl } from '../../src-shared/util/curl.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const browserHeaders: RawHeaders = [['Host', 'example.com'], ['User-Agent', 'Mozilla/5.0'], ['Accept', '*/*']];

function curl(method: string, body: Uint8Array | null, headers: RawHeaders = browserHeaders, url = 'https://example.com/a?b=1'): string {
  return toCurl({ method, url, headers, body });
}

/** The arguments of the command, one per line as it is laid out for copy and paste. */
function lines(command: string): string[] {
  return command.split(' \\\n  ');
}

describe('toCurl', () => {
  it('writes a GET as one argument per line, everything quoted for the shell', () => {
    expect(curl('GET', null)).toBe([
      'curl --globoff --path-as-is',
      "'https://example.com/a?b=1'",
      "-H 'Host: example.com'",
      "-H 'User-Agent: Mozilla/5.0'",
      "-H 'Accept: */*'",
    ].join(' \\\n  '));
  });

  it('quotes single quotes and leaves $, backticks and $(...) inert', () => {
    const body = utf8(`{"note":"it's $(rm -rf ~) and \`id\` and $HOME"}`);
    const command = curl('POST', body, [...browserHeaders, ['Content-Type', 'application/json'], ['X-Q', "a'b"]]);
    expect(lines(command)).toContain(`--data-binary '{"note":"it'\\''s $(rm -rf ~) and \`id\` and $HOME"}'`);
    expect(lines(command)).toContain(`-H 'X-Q: a'\\''b'`);
  });

  it('lets curl infer POST from the body and names every other method', () => {
    expect(curl('POST', utf8('x'))).not.toContain('-X');
    expect(lines(curl('POST', null))).toContain('-X POST');
    expect(lines(curl('PUT', utf8('x')))).toContain('-X PUT');
    expect(lines(curl('DELETE', null))).toContain('-X DELETE');
    expect(lines(curl('GET', utf8('x')))).toContain('-X GET');
    expect(lines(curl('M-SEARCH', null))).toContain('-X M-SEARCH');
    expect(lines(curl('WEIRD$', null))).toContain("-X 'WEIRD$'");
  });

  it('sends HEAD with --head, never -X HEAD (curl would wait for a body)', () => {
    const command = curl('HEAD', null);
    expect(lines(command)).toContain('curl --globoff --path-as-is');
    expect(lines(command)).toContain('--head');
    expect(command).not.toContain('-X');
  });

  it('leaves out HTTP/2 pseudo-headers and Content-Length, and writes an empty value as Name;', () => {
    const headers: RawHeaders = [[':method', 'POST'], [':authority', 'example.com'], ['content-length', '1'], ['x-empty', ''], ['user-agent', 'ua'], ['accept', 'a']];
    const command = curl('POST', utf8('x'), headers);
    expect(command).not.toMatch(/:authority|:method|content-length/);
    expect(lines(command)).toContain("-H 'x-empty;'");
  });

  it("removes curl's own headers that the request did not have", () => {
    const bare = lines(curl('POST', utf8('x'), [['Host', 'example.com']]));
    expect(bare).toEqual(expect.arrayContaining(["-H 'User-Agent:'", "-H 'Accept:'", "-H 'Content-Type:'", "-H 'Expect:'"]));
    const full = curl('POST', utf8('x'), [...browserHeaders, ['Content-Type', 'text/plain'], ['Expect', '100-continue']]);
    expect(full).not.toMatch(/'(User-Agent|Accept|Content-Type|Expect):'/);
    expect(curl('GET', null)).not.toMatch(/Content-Type|Expect/);
  });

  it('writes a binary body as $\'...\' with \\xHH escapes', () => {
    const command = curl('POST', new Uint8Array([0x61, 0xff, 0x27, 0x5c, 0x0a, 0x01, 0x7f]));
    expect(lines(command)).toContain("--data-binary $'a\\xff\\'\\\\\\n\\x01\\x7f'");
  });

  it('writes a body with NUL bytes through printf, which a shell argument cannot hold', () => {
    const command = curl('POST', new Uint8Array([0x00, 0x25, 0xff, 0x27, 0x41]));
    expect(command.startsWith("printf '\\000%%\\377'\\''A' | curl --globoff --path-as-is")).toBe(true);
    expect(lines(command)).toContain('--data-binary @-');
  });

  it('reads the body from a file when given one', () => {
    const command = toCurl({ method: 'POST', url: 'http://h/', headers: [], body: new Uint8Array([0]) }, { bodyFile: "/tmp/it's body.bin" });
    expect(lines(command)).toContain("--data-binary '@/tmp/it'\\''s body.bin'");
    expect(command).not.toContain('printf');
  });

  it('sends a body that starts with @ as data, not as a file name', () => {
    expect(lines(curl('POST', utf8('@/etc/passwd')))).toContain("--data-raw '@/etc/passwd'");
  });

  it('keeps an empty body that was announced with Content-Length: 0', () => {
    const command = curl('POST', null, [...browserHeaders, ['Content-Length', '0']]);
    expect(lines(command)).toContain("--data-binary ''");
    expect(command).not.toContain('-X');
  });

  it('percent-encodes what curl refuses in a URL, and keeps everything else as it was', () => {
    const command = curl('GET', null, browserHeaders, 'http://h:8080/a b/../ü[1]{2}"$\'?q=x y#frag');
    expect(lines(command)[1]).toBe(`'http://h:8080/a%20b/../%C3%BC[1]{2}"$'\\''?q=x%20y#frag'`);
  });
});
