import type { SlotName } from './settings.js';

export type TemplateFormat = 'html' | 'text';

/**
 * The built-in templates, used until an admin stores one. What a template sees:
 *   profile   merge fields (firstName, primarySegment, rfmGroup, clvTier, …)
 *   items     the slot's items (id, title, url with UTM parameters, image, price, currency)
 *   slot      { name, fallback, level, confidence }
 *   send_id   the request's send id (empty when none)
 * HTML is table-based with inline styles: what email clients render.
 */
const grid = (
  heading: string,
) => `{% if items.size > 0 %}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">
<tr><td colspan="{{ items.size }}" style="padding:8px 4px;font:bold 18px Arial,sans-serif">${heading}</td></tr>
<tr>{% for item in items %}<td valign="top" style="padding:4px;font:14px Arial,sans-serif"><a href="{{ item.url }}" style="color:#222;text-decoration:none">{% if item.image %}<img src="{{ item.image }}" alt="{{ item.title }}" width="140" style="display:block;border:0;width:100%;max-width:140px">{% endif %}{{ item.title }}</a>{% if item.price %}<br><b>{{ item.price | money: item.currency }}</b>{% endif %}</td>{% endfor %}</tr>
</table>{% endif %}`;

const list = (heading: string) => `{% if items.size > 0 %}${heading}
{% for item in items %}- {{ item.title }}{% if item.price %} ({{ item.price | money: item.currency }}){% endif %}: {{ item.url }}
{% endfor %}{% endif %}`;

export const DEFAULT_TEMPLATES: Record<SlotName, Record<TemplateFormat, string>> = {
  recs: {
    html: grid(
      '{% if profile.firstName %}{{ profile.firstName }}, picked{% else %}Picked{% endif %} for you',
    ),
    text: list(
      '{% if profile.firstName %}{{ profile.firstName }}, picked{% else %}Picked{% endif %} for you:',
    ),
  },
  hero: {
    html: `{% for item in items %}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td align="center" style="padding:8px;font:16px Arial,sans-serif"><a href="{{ item.url }}" style="color:#222;text-decoration:none">{% if item.image %}<img src="{{ item.image }}" alt="{{ item.title }}" width="560" style="display:block;border:0;width:100%;max-width:560px">{% endif %}<span style="font-size:22px;font-weight:bold">{{ item.title }}</span></a>{% if item.price %}<br>{{ item.price | money: item.currency }}{% endif %}</td></tr>
</table>{% endfor %}`,
    text: `{% for item in items %}{{ item.title }}{% if item.price %} ({{ item.price | money: item.currency }}){% endif %}: {{ item.url }}
{% endfor %}`,
  },
  popular: { html: grid('Popular right now'), text: list('Popular right now:') },
  trending: { html: grid('Trending this week'), text: list('Trending this week:') },
  cart_recovery: {
    html: grid('{% if slot.fallback %}You might like{% else %}Still in your cart{% endif %}'),
    text: list('{% if slot.fallback %}You might like:{% else %}Still in your cart:{% endif %}'),
  },
};
