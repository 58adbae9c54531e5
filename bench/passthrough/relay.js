// The baseline a user would otherwise pick: a minimal pass-through relay, one WebSocket in, one out, that
// turns the client's audio messages into GA `input_audio_buffer.append` events and the upstream's audio
// deltas back into audio messages. Single-threaded Node with the `ws` package; no sessions, no recovery.
import { WebSocket, WebSocketServer } from 'ws';

const upstreamUrl = process.env.UPSTREAM_URL;
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), perMessageDeflate: false });

wss.on('connection', (client) => {
  const upstream = new WebSocket(upstreamUrl, { headers: { Authorization: 'Bearer bench' }, perMessageDeflate: false });
  /** @type {string[]} */
  const pending = [];
  upstream.on('open', () => {
    upstream.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
    // Ready, as voxrelay's `connected` says: the client's storm figures end here.
    if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify({ type: 'connected' }));
    for (const event of pending.splice(0)) upstream.send(event);
  });
  client.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'audio') {
      const event = JSON.stringify({ type: 'input_audio_buffer.append', audio: message.data });
      if (upstream.readyState === WebSocket.OPEN) upstream.send(event);
      else pending.push(event);
    }
  });
  upstream.on('message', (data) => {
    const event = JSON.parse(String(data));
    if (event.type === 'response.output_audio.delta' && client.readyState === WebSocket.OPEN) {
      client.send(JSON.stringify({ type: 'audio', data: event.delta }));
    }
  });
  client.on('close', () => upstream.close());
  upstream.on('close', () => client.close());
  client.on('error', () => {});
  upstream.on('error', () => {});
});

wss.on('listening', () => {
  const address = wss.address();
  console.log(`passthrough listening on ${typeof address === 'string' ? address : address.port}`);
});
