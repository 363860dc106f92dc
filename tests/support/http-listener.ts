import http from "node:http";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/**
 * A local HTTP listener standing in for Slack, PagerDuty or a webhook receiver: records every
 * request; answers 200 unless statuses were queued with `failNext` (500 first, then 200 ...).
 */
export async function startHttpListener() {
  const received: ReceivedRequest[] = [];
  const queued: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: kept as text
      }
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json });
      const status = queued.shift() ?? 200;
      res.writeHead(status, { "content-type": "application/json" }).end(status < 300 ? '{"ok":true}' : '{"error":"listener told to fail"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path = "/") => `http://127.0.0.1:${port}${path}`,
    received,
    failNext: (...statuses: number[]) => queued.push(...statuses),
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
