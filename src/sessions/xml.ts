/**
 * A small XML reader for API answers (Plex answers XML unless asked for JSON, and some proxies strip the Accept
 * header). It reads elements and attributes; text content, CDATA, comments, processing instructions and DOCTYPEs are
 * skipped, because the answers we read carry everything in attributes. Not a validating parser: malformed input
 * throws with the position.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const NAME = /[A-Za-z_:][\w:.-]*/y;
const ATTR = /\s*([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      i = skipTo(text, '-->', i);
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      i = skipTo(text, ']]>', i);
      continue;
    }
    if (text.startsWith('<?', i)) {
      i = skipTo(text, '?>', i);
      continue;
    }
    if (text.startsWith('<!', i)) {
      i = skipTo(text, '>', i);
      continue;
    }
    if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) throw new Error(`unterminated closing tag at ${i}`);
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`unexpected </${name}> at ${i}`);
      i = end + 1;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) throw new Error(`bad tag at ${i}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [] };
    i = NAME.lastIndex;
    for (;;) {
      ATTR.lastIndex = i;
      const a = ATTR.exec(text);
      if (!a) break;
      el.attrs[a[1] as string] = decodeEntities(a[2] ?? a[3] ?? '');
      i = ATTR.lastIndex;
    }
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    const selfClosing = text.startsWith('/>', i);
    if (!selfClosing && text[i] !== '>') throw new Error(`bad attribute in <${el.name}> at ${i}`);
    i += selfClosing ? 2 : 1;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    else throw new Error(`second root element <${el.name}> at ${lt}`);
    if (!selfClosing) stack.push(el);
  }
  if (!root) throw new Error('no XML element found');
  if (stack.length) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  return root;
}

function skipTo(text: string, marker: string, from: number): number {
  const end = text.indexOf(marker, from);
  if (end < 0) throw new Error(`unterminated markup at ${from}`);
  return end + marker.length;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(Number.parseInt(ent.slice(1), 10));
    return NAMED[ent] ?? whole;
  });
}
