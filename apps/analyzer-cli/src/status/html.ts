/**
 * `status --html FILE`: one self-contained page — inline CSS, inline script, inline SVG, nothing
 * fetched at view time — with the dependency graph (base → image → consumer) coloured by status and
 * the tables, sortable by clicking a header.
 *
 * Every text from the state (names, references, reasons, paths) is untrusted and HTML-escaped; the
 * script carries no data (it sorts the rows already in the page), and a Content-Security-Policy
 * allows exactly the page's own style and script by hash, nothing else.
 */
import { createHash } from 'node:crypto';
import type { GraphNode } from '../lib/graph.js';
import type { BaseStatus, ImageStatus, StatusReport } from './compute.js';

const NODE_WIDTH = 230;
const NODE_HEIGHT = 42;
const COLUMN_GAP = 70;
const ROW_GAP = 14;
const MARGIN = 16;
const LABEL_MAX = 30;

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 1.5rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
.meta { color: #555; margin: 0 0 1rem; }
.legend span { display: inline-block; margin-right: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
.graph { overflow-x: auto; border: 1px solid #ddd; border-radius: 6px; padding: 4px; }
svg text { font-size: 12px; fill: #1d1d1f; }
svg text.detail { font-size: 10px; fill: #555; }
.node rect { stroke-width: 1.5; rx: 5; }
.edge { fill: none; stroke: #888; stroke-width: 1.2; }
.edge.updates { stroke-dasharray: 4 3; }
.st-up-to-date rect, .swatch.st-up-to-date { fill: #d8f0da; stroke: #2e7d32; background: #2e7d32; }
.st-behind rect, .swatch.st-behind { fill: #ffe9c7; stroke: #e65100; background: #e65100; }
.st-unknown rect, .swatch.st-unknown { fill: #eeeeee; stroke: #757575; background: #757575; }
.st-error rect, .swatch.st-error { fill: #fde0e0; stroke: #c62828; background: #c62828; }
.st-base rect, .swatch.st-base { fill: #e3ecfa; stroke: #3f5f9f; background: #3f5f9f; }
.st-consumer rect, .swatch.st-consumer { fill: #fff; stroke: #999; background: #999; }
.st-consumer rect { stroke-dasharray: 3 3; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f6f6f6; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
td.status { font-weight: 600; }
#images td.status { white-space: nowrap; }
td.status.st-up-to-date { color: #2e7d32; }
td.status.st-behind { color: #e65100; }
td.status.st-unknown { color: #616161; }
td.status.st-error { color: #c62828; }
code { font-size: .85em; }
`;

// Sorts a table's rows by the clicked column's `data-sort` values (numbers when both parse).
const SCRIPT = `
for (const table of document.querySelectorAll('table.sortable')) {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((header, column) => {
    header.addEventListener('click', () => {
      const ascending = header.getAttribute('aria-sort') !== 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      const key = (row) => row.cells[column].getAttribute('data-sort') ?? row.cells[column].textContent;
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const nx = Number(x);
        const ny = Number(y);
        const order = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      for (const row of rows) body.appendChild(row);
    });
  });
}
`;

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page for `report`. Deterministic: the same report gives the same bytes. */
export function renderStatusHtml(report: StatusReport): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const { summary } = report;
  const requests =
    report.requests.length === 0
      ? 'none'
      : report.requests.map(({ host, requests: count }) => `${count} to ${host}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Image Factory status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Image Factory status</h1>
<p class="meta">At <time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(report.generatedAt)}</time>:
<span id="summary">${summary.upToDate} up to date, ${summary.behind} behind, ${summary.unknown} unknown</span>;
${summary.registryErrors} registry error${summary.registryErrors === 1 ? '' : 's'}; registry requests: ${escapeHtml(requests)}.</p>
<p class="legend">${legend()}</p>
<h2>Dependency graph</h2>
<div class="graph">${renderGraphSvg(report)}</div>
<h2>Managed images</h2>
${imagesTable(report.images)}
<h2>Base images</h2>
${basesTable(report.bases)}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function legend(): string {
  const entries: Array<[string, string]> = [
    ['st-up-to-date', 'up to date'],
    ['st-behind', 'behind'],
    ['st-unknown', 'unknown'],
    ['st-base', 'base image (checked)'],
    ['st-error', 'registry error'],
    ['st-consumer', 'consumer'],
  ];
  return entries.map(([cls, label]) => `<span><i class="swatch ${cls}"></i>${label}</span>`).join('');
}

/** The status class of a graph node. */
function nodeClass(
  node: GraphNode,
  images: ReadonlyMap<string, ImageStatus>,
  bases: ReadonlyMap<string, BaseStatus>,
): string {
  if (node.kind === 'image') return `st-${images.get(node.name)?.status ?? 'unknown'}`;
  if (node.kind === 'consumer') return 'st-consumer';
  const base = bases.get(node.name);
  if (base === undefined) return 'st-unknown';
  return base.check === 'error' ? 'st-error' : base.check === 'not-checked' ? 'st-unknown' : 'st-base';
}

/**
 * A layered layout: bases in the first column, each managed image one column right of its deepest
 * source (so a cascade moves right), consumers in the last column; nodes of a column sorted by id.
 */
function renderGraphSvg(report: StatusReport): string {
  const { nodes, edges } = report.graph;
  const images = new Map(report.images.map((image) => [image.name, image]));
  const bases = new Map(report.bases.map((base) => [base.name, base]));
  const sources = new Map<string, string[]>();
  for (const edge of edges) {
    if (edge.kind === 'builds') sources.set(edge.to, [...(sources.get(edge.to) ?? []), edge.from]);
  }
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: ReadonlySet<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    // The graph has no cycles (buildImageGraph refuses them); `seen` bounds a malformed one.
    const from = (sources.get(id) ?? []).filter((source) => !seen.has(source));
    const value =
      from.length === 0 ? 0 : 1 + Math.max(...from.map((source) => depthOf(source, new Set([...seen, id]))));
    depth.set(id, value);
    return value;
  };
  let imageDepth = 0;
  for (const node of nodes) {
    if (node.kind === 'image') imageDepth = Math.max(imageDepth, Math.max(1, depthOf(node.id, new Set())));
  }
  const column = (node: GraphNode): number =>
    node.kind === 'base'
      ? 0
      : node.kind === 'consumer'
        ? imageDepth + 1
        : Math.max(1, depthOf(node.id, new Set()));
  const columns = new Map<number, GraphNode[]>();
  for (const node of nodes) columns.set(column(node), [...(columns.get(column(node)) ?? []), node]);
  const position = new Map<string, { x: number; y: number }>();
  let rows = 0;
  for (const [index, members] of columns) {
    members.forEach((node, row) => {
      position.set(node.id, {
        x: MARGIN + index * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + row * (NODE_HEIGHT + ROW_GAP),
      });
    });
    rows = Math.max(rows, members.length);
  }
  const columnCount = Math.max(0, ...columns.keys()) + 1;
  const width = MARGIN * 2 + columnCount * NODE_WIDTH + (columnCount - 1) * COLUMN_GAP;
  const height = MARGIN * 2 + Math.max(1, rows) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  const paths = edges.flatMap((edge) => {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (from === undefined || to === undefined) return [];
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    return [
      `<path class="edge ${edge.kind}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`,
    ];
  });
  const boxes = nodes.map((node) => {
    const at = position.get(node.id) ?? { x: 0, y: 0 };
    const cls = nodeClass(node, images, bases);
    return `<g class="node ${node.kind} ${cls}" data-id="${escapeHtml(node.id)}" transform="translate(${at.x} ${at.y})"><title>${escapeHtml(`${node.name}\n${node.detail}`)}</title><rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}"/><text x="8" y="17">${escapeHtml(shorten(node.name))}</text><text class="detail" x="8" y="33">${escapeHtml(shorten(node.detail))}</text></g>`;
  });
  return `<svg role="img" aria-label="dependency graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${paths.join('')}${boxes.join('')}</svg>`;
}

function shorten(text: string): string {
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

const STATUS_ORDER: Record<string, number> = { behind: 0, unknown: 1, 'up-to-date': 2 };

function cell(text: string, sort?: string | number, cls?: string): string {
  const sortAttr = sort === undefined ? '' : ` data-sort="${escapeHtml(String(sort))}"`;
  const classAttr = cls === undefined ? '' : ` class="${cls}"`;
  return `<td${classAttr}${sortAttr}>${escapeHtml(text)}</td>`;
}

function imagesTable(images: readonly ImageStatus[]): string {
  const header = [
    'Image',
    'Status',
    'Version',
    'Behind since',
    'Eligible',
    'Rebuild by',
    'Rebuild delay',
    'Cascades to',
    'Notes',
  ];
  const rows = images.map((image) => {
    const behind = image.bases.filter((base) => base.status === 'behind');
    const since = earliestOf(behind.map((base) => base.behindSince));
    const notes = [
      ...behind.map(
        (base) =>
          `${base.base}: built on ${short(base.builtOn)}, now ${short(base.currentDigest)}${base.behindSinceSource === undefined ? '' : ` (since: ${base.behindSinceSource})`}`,
      ),
      ...image.reasons,
      ...(image.autoRebuild ? [] : ['autoRebuild: false — rebuilds wait for a manual promotion']),
    ];
    return `<tr data-name="${escapeHtml(image.name)}">${[
      cell(image.name),
      cell(image.status.replace(/-/g, ' '), STATUS_ORDER[image.status], `status st-${image.status}`),
      cell(image.currentVersion ?? ''),
      cell(since ?? '', since ?? ''),
      cell(image.eligibleAt ?? '', image.eligibleAt ?? ''),
      cell(image.rebuildBy ?? '', image.rebuildBy ?? ''),
      cell(image.rebuildDelay, image.rebuildDelaySeconds),
      cell(image.cascade.join(', '), image.cascade.length),
      cell(notes.join('; ')),
    ].join('')}</tr>`;
  });
  return table('images', header, rows);
}

function basesTable(bases: readonly BaseStatus[]): string {
  const header = ['Base image', 'Reference', 'Platform', 'Digest now', 'Recorded', 'Check', 'Used by'];
  const rows = bases.map(
    (base) =>
      `<tr data-name="${escapeHtml(base.name)}">${[
        cell(base.name),
        cell(base.reference),
        cell(base.platform ?? ''),
        cell(short(base.currentDigest), base.currentDigest ?? ''),
        cell(
          base.changed ? `${short(base.recordedDigest)} (changed)` : short(base.recordedDigest),
          base.recordedDigest ?? '',
        ),
        cell(
          base.reason === undefined ? base.check : `${base.check}: ${base.reason}`,
          base.check,
          `status st-${base.check === 'error' ? 'error' : base.check === 'not-checked' ? 'unknown' : 'up-to-date'}`,
        ),
        cell(base.usedBy.join(', ')),
      ].join('')}</tr>`,
  );
  return table('bases', header, rows);
}

function table(id: string, header: readonly string[], rows: readonly string[]): string {
  const head = header.map((text) => `<th scope="col">${escapeHtml(text)}</th>`).join('');
  return `<table id="${id}" class="sortable"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function short(digest: string | undefined): string {
  if (digest === undefined) return '';
  const colon = digest.indexOf(':');
  return colon === -1 ? digest.slice(0, 19) : digest.slice(0, colon + 13);
}

function earliestOf(values: ReadonlyArray<string | undefined>): string | undefined {
  const defined = values.filter((value): value is string => value !== undefined).sort();
  return defined[0];
}
