// A new connection to the child endpoint waits here until it sends something; only then is the
// channel module (and JSON-RPC with it) loaded. Another launcher's sweep, probing whether this
// one is alive, connects and hangs up without a byte: it costs this launcher nothing.
import type { Socket } from 'node:net';
import { Methods } from '../ipc/protocol.js';
import type { ChannelHost } from './child-channel.js';

/**
 * Take a new connection. The current child's end is held from this moment until the connection
 * has been read out (a child may connect, write and exit at once). A connection that stays
 * silent is closed when the hello timeout passes, as the channel itself would.
 */
export function acceptChildConnection(socket: Socket, host: ChannelHost): void {
  const helloDeadline = host.clock.now() + host.helloTimeoutMs;
  // Until the channel takes over, a reset connection must not be an uncaught error.
  socket.on('error', () => {});
  const handled = new Promise<void>((resolve) => {
    const silence = host.clock.setTimeout(() => {
      host.refused(
        `refused a connection: no ${Methods.hello} within ${host.helloTimeoutMs} ms`,
        undefined,
      );
      socket.destroy();
    }, host.helloTimeoutMs);
    const hungUp = () => {
      host.clock.clearTimeout(silence);
      resolve();
    };
    socket.once('close', hungUp);
    socket.once('data', (first: Buffer) => {
      host.clock.clearTimeout(silence);
      socket.off('close', hungUp);
      // The bytes go back in front, and the stream waits, until the channel listens.
      socket.pause();
      socket.unshift(first);
      import('./child-channel.js')
        .then(({ handleChildConnection }) => {
          const closed = handleChildConnection(socket, host, helloDeadline);
          socket.resume();
          return closed;
        })
        .catch(() => {
          socket.destroy();
        })
        .then(resolve);
    });
  });
  host.current()?.hold(handled);
}
