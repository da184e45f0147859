import type { Template } from 'liquidjs';
import type { AppDeps } from '../../app-deps.js';
import { answerObject, type BuiltAnswer } from './answer.js';
import { DEFAULT_TEMPLATES, type TemplateFormat } from './default-templates.js';
import type { PersonalizeRequest } from './params.js';
import { parseTemplate, renderTemplate, slotTemplate } from './templates.js';

/** Default templates parsed once: the fallback answer renders with them without the database. */
const parsedDefaults = new Map<string, Template[]>();

function defaultTemplate(slot: keyof typeof DEFAULT_TEMPLATES, format: TemplateFormat): Template[] {
  const key = `${slot}:${format}`;
  let template = parsedDefaults.get(key);
  if (!template) {
    template = parseTemplate(format, DEFAULT_TEMPLATES[slot][format]);
    parsedDefaults.set(key, template);
  }
  return template;
}

/**
 * The answer's slots rendered through their templates, in the order asked, one after another.
 * `stored: false` renders with the built-in templates only (the fallback path: no database).
 */
export async function renderAnswer(
  deps: AppDeps,
  built: BuiltAnswer,
  request: PersonalizeRequest,
  format: TemplateFormat,
  options: { ttlMs: number; stored: boolean },
): Promise<string> {
  const answer = answerObject(built);
  const parts: string[] = [];
  for (const slot of request.slots) {
    const content = answer.slots[slot];
    if (!content) continue;
    const template = options.stored
      ? await slotTemplate(deps, slot, format, options.ttlMs)
      : defaultTemplate(slot, format);
    parts.push(
      await renderTemplate(format, template, {
        profile: answer.profile,
        items: content.items,
        slot: {
          name: slot,
          fallback: content.fallback,
          level: content.level,
          confidence: content.confidence,
        },
        send_id: answer.sendId ?? '',
      }),
    );
  }
  return parts.join('\n');
}
