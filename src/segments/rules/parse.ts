import type { z } from 'zod';
import { formatJsonPath, valueAtPath } from './json-path.js';
import { RULE_LIMITS } from './limits.js';
import { type RuleNode, ruleNodeSchema, type SegmentRule } from './schema.js';
import { forEachNode } from './walk.js';

/** One problem with a rule, at a JSONPath into the submitted JSON: `$.children[2].within.last`. */
export interface RuleIssue {
  path: string;
  message: string;
}

export interface ParseRuleOptions {
  /** Event names the workspace has received; others get a warning (they may simply not have arrived yet). */
  knownEventNames?: ReadonlySet<string>;
  /** Where the rule sits in the request body, e.g. `$.rule`; default `$`. */
  root?: string;
}

export type ParseRuleResult =
  | { ok: true; rule: SegmentRule; warnings: RuleIssue[] }
  | { ok: false; issues: RuleIssue[] };

// Beyond this nesting the JSON is not handed to zod at all: its recursive parse would be the
// thing an attacker exhausts. Rules this deep are already rejected by maxDepth.
const HARD_DEPTH = RULE_LIMITS.maxDepth * 4;

/**
 * Validates a segment rule from JSON. Returns every issue with its path (the route answers 400
 * with them as `details`), or the typed rule plus warnings that do not block saving it.
 */
export function parseSegmentRule(json: unknown, options: ParseRuleOptions = {}): ParseRuleResult {
  const root = options.root ?? '$';
  const limits = checkLimits(json, root);
  const issues: RuleIssue[] = [];
  let rule: RuleNode | undefined;
  if (!limits.tooDeep) {
    const parsed = ruleNodeSchema.safeParse(json);
    if (parsed.success) rule = parsed.data;
    else for (const issue of parsed.error.issues) issues.push(toRuleIssue(issue, json, root));
  }
  issues.push(...limits.issues);
  if (issues.length > 0 || !rule) return { ok: false, issues };
  return { ok: true, rule, warnings: unknownEventWarnings(rule, options.knownEventNames, root) };
}

function toRuleIssue(issue: z.core.$ZodIssue, json: unknown, root: string): RuleIssue {
  const path = formatJsonPath(issue.path, root);
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const input = valueAtPath(json, issue.path);
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
    const message =
      input === undefined
        ? `required; one of: ${options.join(', ')}`
        : `unknown ${issue.discriminator} ${JSON.stringify(input)}; expected one of: ${options.join(', ')}`;
    return { path, message };
  }
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` };
  }
  return { path, message: issue.message };
}

/** Depth and node count, measured on the raw JSON so they are reported even when other fields are wrong. */
function checkLimits(json: unknown, root: string): { issues: RuleIssue[]; tooDeep: boolean } {
  const issues: RuleIssue[] = [];
  let nodes = 0;
  let tooDeep = false;
  const stack: { value: unknown; path: PropertyKey[]; depth: number }[] = [
    { value: json, path: [], depth: 1 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    nodes++;
    if (depth === RULE_LIMITS.maxDepth + 1) {
      issues.push({
        path: formatJsonPath(path, root),
        message: `nested deeper than ${RULE_LIMITS.maxDepth} levels`,
      });
    }
    if (depth >= HARD_DEPTH) {
      tooDeep = true;
      continue;
    }
    const { children, child } = value as { children?: unknown; child?: unknown };
    if (Array.isArray(children)) {
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ value: children[i], path: [...path, 'children', i], depth: depth + 1 });
      }
    }
    if (child !== undefined) stack.push({ value: child, path: [...path, 'child'], depth: depth + 1 });
  }
  if (nodes > RULE_LIMITS.maxNodes) {
    issues.push({
      path: root,
      message: `${nodes} conditions; at most ${RULE_LIMITS.maxNodes}${tooDeep ? ' (counted down to the nesting limit)' : ''}`,
    });
  }
  return { issues, tooDeep };
}

function unknownEventWarnings(
  rule: RuleNode,
  known: ReadonlySet<string> | undefined,
  root: string,
): RuleIssue[] {
  if (!known) return [];
  const warnings: RuleIssue[] = [];
  forEachNode(rule, (node, path) => {
    if (node.type !== 'event' && node.type !== 'not_event' && node.type !== 'last_performed') return;
    if (known.has(node.event)) return;
    const lower = node.event.toLowerCase();
    const close = [...known].find((name) => name.toLowerCase() === lower);
    warnings.push({
      path: formatJsonPath([...path, 'event'], root),
      message: `no event named ${JSON.stringify(node.event)} has been received yet${
        close ? `; did you mean ${JSON.stringify(close)}? (names are case-sensitive)` : ''
      }`,
    });
  });
  return warnings;
}
