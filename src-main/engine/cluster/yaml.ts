/** A value a manifest holds: what JSON holds, without null. */
type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue | undefined };

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== 'object';
}

// A JSON string is a YAML double-quoted scalar with the same escapes, so no text can change meaning.
function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

// Keys like these read the same unquoted; any other is quoted.
const PLAIN_KEY = /^[A-Za-z_][\w./-]*$/;

function key(name: string): string {
  return PLAIN_KEY.test(name) ? name : JSON.stringify(name);
}

function entries(value: YamlValue): [string, YamlValue][] {
  return Object.entries(value as Record<string, YamlValue | undefined>).filter((entry): entry is [string, YamlValue] => entry[1] !== undefined);
}

function isEmpty(value: YamlValue): boolean {
  return Array.isArray(value) ? value.length === 0 : entries(value).length === 0;
}

/** Block YAML lines of a list or mapping at `indent` spaces. */
function blockLines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const item = (head: string, child: YamlValue): string[] =>
    isScalar(child) || isEmpty(child) ? [`${head} ${isScalar(child) ? scalar(child) : Array.isArray(child) ? '[]' : '{}'}`] : [head, ...blockLines(child, indent + 2)];
  if (Array.isArray(value)) {
    return value.flatMap((child) => {
      const lines = item(`${pad}-`, child);
      // A mapping in a list starts on the dash's line.
      return lines.length > 1 && !Array.isArray(child) ? [`${pad}- ${lines[1].trimStart()}`, ...lines.slice(2)] : lines;
    });
  }
  return entries(value).flatMap(([name, child]) => item(`${pad}${key(name)}:`, child));
}

/** A manifest (a mapping of JSON values without null) as block YAML, every string double-quoted. */
export function toYaml(manifest: object): string {
  const value = manifest as YamlValue;
  return isEmpty(value) ? '{}\n' : `${blockLines(value, 0).join('\n')}\n`;
}
