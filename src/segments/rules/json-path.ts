const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['children', 2, 'within', 'last']` → `$.children[2].within.last` (JSONPath, as in API errors). */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>, root = '$'): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** The value at `path` inside `json`, or undefined when the path leaves it. */
export function valueAtPath(json: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = json;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
