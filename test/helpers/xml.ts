/** A strict little XML check: balanced tags, quoted attributes, only the five predefined entities. Returns problems found. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tokens = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<\?[\s\S]*?\?>/g, '').split(/(<[^>]*>)/);
  for (const token of tokens) {
    if (!token.startsWith('<')) {
      if (/[<>]/.test(token)) problems.push(`stray bracket in text: ${token.slice(0, 40)}`);
      const badEntity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(token);
      if (badEntity) problems.push(`unescaped & in text: ${token.slice(0, 40)}`);
      continue;
    }
    const closing = /^<\/([\w:-]+)\s*>$/.exec(token);
    if (closing) {
      if (stack.pop() !== closing[1]) problems.push(`mismatched </${closing[1]}>`);
      continue;
    }
    const opening = /^<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
    if (!opening) {
      problems.push(`malformed tag: ${token.slice(0, 60)}`);
      continue;
    }
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(opening[2])) problems.push(`unescaped & in attribute: ${token.slice(0, 60)}`);
    if (!opening[3]) stack.push(opening[1]);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}
