/**
 * Draws an Adaptive Card as an SVG image, the way Teams lays it out in a channel (light theme), for
 * the README's picture. It understands the elements aca-rollout's card uses (TextBlock, FactSet,
 * RichTextBlock, Container, Action.OpenUrl); text width is estimated per character, which is close
 * enough for a documentation image.
 */

type Json = Record<string, unknown>;

const WIDTH = 680;
const PAD = 20;
const COLOURS = { Default: "#242424", Good: "#0e7a0d", Attention: "#c4314b", subtle: "#616161", accent: "#5b5fc7", border: "#e0e0e0", attention: "#fdf3f4", emphasis: "#f5f5f5" } as const;

const escapeXml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Splits `text` into lines of at most `maxChars` characters, at spaces where it can. */
function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      let rest = word;
      while (rest.length > maxChars) {
        if (line !== "") lines.push(line);
        lines.push(rest.slice(0, maxChars));
        rest = rest.slice(maxChars);
        line = "";
      }
      if (line === "") line = rest;
      else if (line.length + 1 + rest.length <= maxChars) line += ` ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The drawing so far: SVG elements and the next free y. */
class Canvas {
  parts: string[] = [];
  y = PAD;

  text(x: number, maxWidth: number, value: string, style: { size?: number; weight?: string; colour?: string; mono?: boolean }): void {
    const size = style.size ?? 14;
    const charWidth = size * (style.mono ? 0.62 : 0.58);
    const lineHeight = Math.round(size * 1.4);
    for (const line of wrap(value, Math.max(8, Math.floor(maxWidth / charWidth)))) {
      this.y += lineHeight;
      const family = style.mono ? "Consolas, 'Courier New', monospace" : "'Segoe UI', Helvetica, Arial, sans-serif";
      this.parts.push(`<text x="${x}" y="${this.y - Math.round(size * 0.35)}" font-family="${family}" font-size="${size}" font-weight="${style.weight ?? "normal"}" fill="${style.colour ?? COLOURS.Default}" xml:space="preserve">${escapeXml(line)}</text>`);
    }
  }
}

function sizeOf(value: unknown): number {
  return { Small: 12, Medium: 17, Large: 21, ExtraLarge: 26 }[str(value)] ?? 14;
}

function draw(canvas: Canvas, elements: unknown[], x: number, width: number): void {
  for (const element of elements) {
    if (typeof element !== "object" || element === null) continue;
    const e = element as Json;
    canvas.y += e.spacing === "Medium" ? 12 : 6;
    if (e.separator === true) {
      canvas.parts.push(`<line x1="${x}" x2="${x + width}" y1="${canvas.y}" y2="${canvas.y}" stroke="${COLOURS.border}"/>`);
      canvas.y += 6;
    }
    switch (e.type) {
      case "TextBlock":
        canvas.text(x, width, str(e.text), {
          size: sizeOf(e.size),
          weight: e.weight === "Bolder" ? "600" : "normal",
          colour: e.isSubtle === true ? COLOURS.subtle : COLOURS[str(e.color) as "Good" | "Attention" | "Default"] ?? COLOURS.Default,
        });
        break;
      case "RichTextBlock":
        for (const run of Array.isArray(e.inlines) ? (e.inlines as Json[]) : []) {
          canvas.text(x, width, str(run.text), { size: sizeOf(run.size), mono: run.fontType === "Monospace" });
        }
        break;
      case "FactSet": {
        const facts = Array.isArray(e.facts) ? (e.facts as Json[]) : [];
        const titleWidth = Math.min(190, 14 + Math.max(...facts.map((f) => str(f.title).length)) * 7.7);
        for (const fact of facts) {
          const top = canvas.y;
          canvas.text(x, titleWidth - 8, str(fact.title), { weight: "600" });
          const titleBottom = canvas.y;
          canvas.y = top;
          canvas.text(x + titleWidth, width - titleWidth, str(fact.value), {});
          canvas.y = Math.max(canvas.y, titleBottom) + 2;
        }
        break;
      }
      case "Container": {
        const top = canvas.y;
        const index = canvas.parts.length;
        canvas.y += 4;
        draw(canvas, Array.isArray(e.items) ? e.items : [], x + 12, width - 24);
        canvas.y += 10;
        const fill = e.style === "attention" ? COLOURS.attention : COLOURS.emphasis;
        canvas.parts.splice(index, 0, `<rect x="${x}" y="${top}" width="${width}" height="${canvas.y - top}" rx="4" fill="${fill}"/>`);
        break;
      }
    }
  }
}

/** The SVG of `card` (an Adaptive Card as JSON). */
export function renderCardSvg(card: Json): string {
  const canvas = new Canvas();
  draw(canvas, Array.isArray(card.body) ? card.body : [], PAD, WIDTH - 2 * PAD);
  for (const action of Array.isArray(card.actions) ? (card.actions as Json[]) : []) {
    canvas.y += 16;
    const label = str(action.title);
    const buttonWidth = label.length * 8 + 32;
    canvas.parts.push(`<rect x="${PAD}" y="${canvas.y}" width="${buttonWidth}" height="32" rx="4" fill="#ffffff" stroke="${COLOURS.accent}"/>`);
    canvas.parts.push(`<text x="${PAD + 16}" y="${canvas.y + 21}" font-family="'Segoe UI', Helvetica, Arial, sans-serif" font-size="14" font-weight="600" fill="${COLOURS.accent}">${escapeXml(label)}</text>`);
    canvas.y += 32;
  }
  const height = canvas.y + PAD;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="8" fill="#ffffff" stroke="${COLOURS.border}"/>`,
    ...canvas.parts,
    "</svg>",
    "",
  ].join("\n");
}
