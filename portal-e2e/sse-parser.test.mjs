// The portal's text/event-stream parser (streamEvents in portal.js) against chosen chunkings of one
// stream: CRLF, CR and LF line ends, a CRLF split across two chunks, multi-line data, comments,
// fields without the optional space, an event without data (not dispatched), and a stream whose
// last event lacks the closing blank line or ends in a lone CR. Runs portal.js in a bare VM context with a stub fetch.
// Run by PortalIT; by hand: node portal-e2e/sse-parser.test.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import assert from 'node:assert/strict';

const source = readFileSync(fileURLToPath(new URL('../clone-api/src/main/resources/static/portal/portal.js', import.meta.url)), 'utf8');

function load(chunks) {
  const requests = [];
  const context = {
    document: { addEventListener() {}, querySelector() { return null; } },
    sessionStorage: { getItem: () => 'hc_k_secret' },
    TextDecoderStream, ReadableStream, console,
    fetch: async (path, init) => {
      requests.push({ path, headers: init.headers });
      const encoder = new TextEncoder();
      const body = new ReadableStream({
        start(c) { for (const chunk of chunks) c.enqueue(encoder.encode(chunk)); c.close(); },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    },
  };
  vm.createContext(context);
  vm.runInContext(source, context);
  return { context, requests };
}

async function parse(chunks) {
  const { context, requests } = load(chunks);
  const events = [];
  await context.streamEvents('/api/v1/clones/x/events', undefined, (e) => events.push({ ...e }));
  return { events, requests };
}

const expected = [
  { event: 'REQUESTED', data: '{"phase":"REQUESTED"}', id: 'x/REQUESTED' },
  { event: 'message', data: 'line one\nline two', id: 'x/REQUESTED' },
  { event: 'COMPLETED', data: '{"phase":"COMPLETED"}', id: 'x/COMPLETED' },
];
const stream = 'id:x/REQUESTED\r\nevent:REQUESTED\r\ndata:{"phase":"REQUESTED"}\r\n\r\n'
  + ': a comment\n\n'
  + 'event: ignored-without-data\n\n'
  + 'data: line one\rdata: line two\r\r'
  + 'id: x/COMPLETED\nevent: COMPLETED\ndata: {"phase":"COMPLETED"}';

// one chunk; every single character its own chunk; split in the middle of each CRLF
const chunkings = {
  'one chunk': [stream],
  'one character per chunk': [...stream],
  'CRLF split across chunks': stream.split('\r\n').flatMap((part, i, all) => (i < all.length - 1 ? [part + '\r', '\n'] : [part])),
  'a lone CR ending the stream': [stream + '\r'],
};
for (const [name, chunks] of Object.entries(chunkings)) {
  const { events, requests } = await parse(chunks);
  assert.deepEqual(events, expected, name);
  console.log('ok  ' + name + ': ' + events.map((e) => e.event).join(' '));
  assert.equal(requests[0].headers['X-API-Key'], 'hc_k_secret', 'the API key goes in a header');
  assert.equal(requests[0].path, '/api/v1/clones/x/events', 'and not in the URL');
}
console.log('ok  the credential is sent as X-API-Key, never in the URL');
