/** Starting and stopping the local runtime's and the sandbox's servers, on loopback only (src/common: both use it, it imports neither). */
import type { AddressInfo, Server } from "node:net";

/** Listens on 127.0.0.1 (port 0 picks a free one) and resolves with the bound port. */
export function listenOnLoopback(server: Server, port = 0): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server and every connection it holds, resolving once it has stopped. */
export function closeServer(server: Server & { closeIdleConnections?(): void; closeAllConnections?(): void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections?.();
    // In-flight requests are cut after a short grace period so stop() cannot hang on a stuck client.
    setTimeout(() => server.closeAllConnections?.(), 1000).unref();
  });
}
