import http from "node:http";
import zlib from "node:zlib";

export interface SentryEnvelopeItem {
  header: { type: string; [k: string]: unknown };
  payload: any;
}

/** A local HTTP listener standing in for Sentry: collects envelopes posted to /api/<id>/envelope/. */
export async function startSentryListener() {
  const items: SentryEnvelopeItem[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body);
      const lines = body.toString("utf8").split("\n").filter(Boolean);
      for (let i = 1; i + 1 < lines.length; i += 2) {
        items.push({ header: JSON.parse(lines[i]!), payload: JSON.parse(lines[i + 1]!) });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/4242`,
    events: () => items.filter((i) => i.header.type === "event").map((i) => i.payload),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
