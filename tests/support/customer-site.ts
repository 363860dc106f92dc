import http from "node:http";
import { createProject } from "../../server/projects/create-project";
import { launchChromium } from "./browser";
import { startTestWebServer } from "./web-server";

/**
 * A customer's web site on an origin of its own, in front of a real Foresight server with a
 * fresh project, and a Chromium to visit it. `page(ctx)` renders the site's HTML; `assets`
 * serves extra files (a client library, say).
 */
export async function startCustomerSite(opts: {
  projectName: string;
  page: (ctx: { foresightUrl: string; key: string }) => string;
  assets?: Record<string, Buffer>;
}) {
  const [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  const created = await createProject(server.env.db.prisma, { name: opts.projectName });
  const ctx = { foresightUrl: server.web.url, key: created.keys.write };
  const site = http.createServer((req, res) => {
    const asset = opts.assets?.[req.url ?? ""];
    if (asset) return res.writeHead(200, { "content-type": "text/javascript" }).end(asset);
    res.writeHead(200, { "content-type": "text/html" }).end(opts.page(ctx));
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  return {
    server,
    chrome,
    key: created.keys.write,
    projectId: created.project.id,
    url: `http://127.0.0.1:${(site.address() as { port: number }).port}`,
    query: async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows,
    async close() {
      site.close();
      await chrome.close();
      await server.close();
    },
  };
}
