import { Group } from "@visx/group";
import { Sankey, sankeyLeft, sankeyLinkHorizontal } from "@visx/sankey";
import type { PathsResult } from "../../../server/query/schema/paths";
import { CHART_WIDTH, ChartSvg, colorAt } from "./chart-kit";

type NodeDatum = { id: string; name: string; step: number; persons: number; dropOff: number };
type LinkDatum = { persons: number };

/** Paths as a sankey: one column per step, link width is the persons who went that way. */
export function PathsSankey({ result }: { result: PathsResult }) {
  const known = new Set(result.nodes.map((n) => n.id));
  const links = result.links.filter((l) => known.has(l.source) && known.has(l.target) && l.source !== l.target && l.persons > 0);
  if (links.length === 0) return <p className="muted">No paths in this range.</p>;
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  const nodes = result.nodes.filter((n) => used.has(n.id)).map((n) => ({ ...n }));
  const height = Math.min(640, Math.max(280, nodes.length * 22));
  const root = { nodes, links: links.map((l) => ({ source: l.source, target: l.target, value: l.persons, persons: l.persons })) };
  return (
    <ChartSvg label="Paths between events" height={height}>
      <Group top={8} left={8}>
        <Sankey<NodeDatum, LinkDatum>
          root={root as never}
          nodeId={(d) => d.id}
          nodeAlign={sankeyLeft}
          nodeWidth={12}
          nodePadding={10}
          size={[CHART_WIDTH - 180, height - 16]}
        >
          {({ graph }) => (
            <g>
              {graph.links.map((l, i) => (
                <path
                  key={i}
                  d={sankeyLinkHorizontal()(l as never) ?? undefined}
                  stroke={colorAt((l.source as NodeDatum).step ?? 0)}
                  strokeOpacity={0.3}
                  strokeWidth={Math.max(1, l.width ?? 1)}
                  fill="none"
                >
                  <title>{`${(l.source as NodeDatum).name} → ${(l.target as NodeDatum).name}: ${l.persons} persons`}</title>
                </path>
              ))}
              {graph.nodes.map((n) => (
                <g key={n.id}>
                  <rect x={n.x0} y={n.y0} width={(n.x1 ?? 0) - (n.x0 ?? 0)} height={Math.max(1, (n.y1 ?? 0) - (n.y0 ?? 0))} fill={colorAt(n.step)}>
                    <title>{`Step ${n.step}: ${n.name}, ${n.persons} persons, ${n.dropOff} stopped here`}</title>
                  </rect>
                  <text x={(n.x1 ?? 0) + 4} y={((n.y0 ?? 0) + (n.y1 ?? 0)) / 2} dy="0.35em" className="chart-node-label">
                    {n.name.length > 28 ? `${n.name.slice(0, 27)}…` : n.name}
                  </text>
                </g>
              ))}
            </g>
          )}
        </Sankey>
      </Group>
    </ChartSvg>
  );
}
