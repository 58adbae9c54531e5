// The voxrelay web client's transport: one WebSocket at a time, greeted with `hello`. A socket that was
// replaced never reaches the client again: its messages and its close are dropped here.

export class Transport {
  /**
   * @param {typeof WebSocket} WebSocketImpl
   * @param {string} url
   * @param {{ onEvent: (event: any) => void, onClose: (code: number, reason: string) => void }} handlers
   */
  constructor(WebSocketImpl, url, handlers) {
    this.WebSocketImpl = WebSocketImpl;
    this.url = url;
    this.handlers = handlers;
    /** @type {WebSocket | null} */
    this.socket = null;
  }

  /**
   * Opens a new socket (closing the current one) and sends `hello` once it is open.
   * @param {() => Record<string, unknown>} hello builds the hello at the moment the socket opens
   */
  open(hello) {
    this.close(1000, 'replaced by a new attempt');
    const socket = new this.WebSocketImpl(this.url);
    this.socket = socket;
    socket.onopen = () => {
      if (socket === this.socket) {
        socket.send(JSON.stringify(hello()));
      }
    };
    socket.onmessage = (e) => {
      if (socket === this.socket) {
        this.handlers.onEvent(JSON.parse(String(e.data)));
      }
    };
    socket.onclose = (e) => {
      if (socket === this.socket) {
        this.socket = null;
        this.handlers.onClose(e.code, e.reason);
      }
    };
  }

  /** Whether a socket is open now. */
  isOpen() {
    return this.socket !== null && this.socket.readyState === 1;
  }

  /** Whether a socket exists (open or opening). */
  active() {
    return this.socket !== null;
  }

  /**
   * Sends a frame if the socket is open; returns whether it went.
   * @param {string} json
   */
  send(json) {
    if (this.isOpen()) {
      /** @type {WebSocket} */ (this.socket).send(json);
      return true;
    }
    return false;
  }

  /**
   * Closes the current socket, if any; its close event is not reported.
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    const socket = this.socket;
    this.socket = null;
    socket?.close(code, reason);
  }
}
