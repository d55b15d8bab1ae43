/**
 * XML for REFI-QDA: a small element builder for writing (every schema sequence is written in order by the caller),
 * and a namespace-aware parser (saxes, a conformant streaming parser) that gives a plain element tree matched by local
 * name, so a file with a variant namespace (urn:QDA-XML:codebook:1:0, project:0:10, none at all) still reads.
 */
import { SaxesParser } from 'saxes';

/** Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/FFFF). */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- these control characters are what the expression exists to find
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeText(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export type Attributes = Record<string, string | number | boolean | null | undefined>;

/** An element as text. Children are already-built element strings; `text` is escaped content. */
export function element(
  name: string,
  attributes: Attributes = {},
  children: (string | null | undefined | false)[] = [],
  text?: string
): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`)
    .join('');
  const kids = children.filter((c): c is string => typeof c === 'string' && c.length > 0);
  // Line breaks in content are written as &#10; so that indenting the document never changes the text.
  if (text !== undefined) return `<${name}${attrs}>${escapeText(text).replace(/\n/g, '&#10;')}</${name}>`;
  if (kids.length === 0) return `<${name}${attrs}/>`;
  return `<${name}${attrs}>\n${kids.map((k) => k.replace(/^/gm, '  ')).join('\n')}\n</${name}>`;
}

export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  namespace: string;
  /** Attributes by local name. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA directly inside it). */
  text: string;
}

export class XmlParseError extends Error {}

/** Bounds on what a parse builds: past either, parsing stops with a TooLargeXmlError naming which. */
export interface XmlLimits {
  maxElements: number;
  maxDepth: number;
}

export class TooLargeXmlError extends Error {
  constructor(
    readonly limit: keyof XmlLimits,
    readonly allowed: number
  ) {
    super(
      limit === 'maxElements'
        ? `The XML has more than ${allowed.toLocaleString('en-GB')} elements`
        : `The XML nests elements more than ${allowed} deep`
    );
    this.name = 'TooLargeXmlError';
  }
}

export function parseXml(
  source: string,
  limits: XmlLimits = { maxElements: Infinity, maxDepth: Infinity }
): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;
  let elements = 0;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    // Thrown from the handler, this stops saxes at once: the tree never grows past the limit.
    if (++elements > limits.maxElements) throw new TooLargeXmlError('maxElements', limits.maxElements);
    if (stack.length >= limits.maxDepth) throw new TooLargeXmlError('maxDepth', limits.maxDepth);
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes) as { local: string; prefix: string; value: string }[]) {
      if (attribute.prefix === 'xmlns' || (attribute.prefix === '' && attribute.local === 'xmlns')) continue;
      attributes[attribute.local] = attribute.value;
    }
    const node: XmlElement = {
      name: tag.local ?? tag.name,
      namespace: tag.uri ?? '',
      attributes,
      children: [],
      text: ''
    };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => {
    if (stack.length) stack[stack.length - 1].text += text;
  });
  parser.on('cdata', (text) => {
    if (stack.length) stack[stack.length - 1].text += text;
  });
  parser.write(source).close();
  if (failure) throw new XmlParseError(`The XML is not well-formed: ${(failure as Error).message}`);
  if (!root) throw new XmlParseError('The XML has no root element');
  return root;
}

export const childrenNamed = (node: XmlElement | undefined, name: string): XmlElement[] =>
  node?.children.filter((c) => c.name === name) ?? [];
export const childNamed = (node: XmlElement | undefined, name: string): XmlElement | undefined =>
  node?.children.find((c) => c.name === name);
