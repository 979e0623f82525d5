// The training tricks (T1-T20) and diagnosis rules (A1-A9) of docs/training-tricks.md in plain words
// (messages glossary.*.name and glossary.*.plain): every code on a page is a link to the glossary
// with the one-sentence explanation as its tooltip.
import { h } from './dom';
import { t, type MessageKey } from './i18n';

/** A trick (T1-T20) or diagnosis rule (A1-A9); its name and sentence are in the message bundles. */
export interface GlossaryEntry {
  id: string;
}

export const GLOSSARY: GlossaryEntry[] = [
  ...Array.from({ length: 20 }, (_v, i) => ({ id: `T${i + 1}` })),
  ...Array.from({ length: 9 }, (_v, i) => ({ id: `A${i + 1}` })),
];

const BY_ID = new Map(GLOSSARY.map((e) => [e.id, e]));

/** The entry's name and sentence in the person's language. */
function words(e: GlossaryEntry): { name: string; plain: string } {
  return { name: t(`glossary.${e.id}.name` as MessageKey), plain: t(`glossary.${e.id}.plain` as MessageKey) };
}

/**
 * One code as a link to its glossary entry, with the plain sentence as tooltip. It opens in a new
 * tab, so a half-filled form or a live run page stays as it is.
 */
export function codeLink(id: string): HTMLElement {
  const found = BY_ID.get(id);
  const entry = found ? words(found) : null;
  return h(
    'a',
    {
      class: 'code-link',
      href: `#/glossary?focus=${id}`,
      target: '_blank',
      rel: 'noopener',
      title: entry ? `${entry.name}: ${entry.plain}` : id,
      'aria-label': entry ? `${id}, ${entry.name}` : id,
      'data-code': id,
    },
    id,
  );
}

/** A text with every trick and rule code in it turned into a glossary link. */
export function withCodes(text: string): (string | HTMLElement)[] {
  const out: (string | HTMLElement)[] = [];
  let last = 0;
  for (const match of text.matchAll(/\b([TA](?:20|1[0-9]|[1-9]))\b/g)) {
    if (!BY_ID.has(match[1])) continue;
    out.push(text.slice(last, match.index), codeLink(match[1]));
    last = match.index! + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((p) => p !== '');
}

/** Codes as links, separated by commas. */
export function codeList(ids: string[]): (string | HTMLElement)[] {
  return ids.flatMap((id, i) => (i === 0 ? [codeLink(id)] : [', ', codeLink(id)]));
}

export function glossaryPage(root: HTMLElement, focus: string | null): void {
  const section = (title: string, prefix: string) =>
    h(
      'section',
      { class: 'card' },
      h('h2', {}, title),
      h(
        'dl',
        { class: 'glossary' },
        ...GLOSSARY.filter((e) => e.id.startsWith(prefix)).flatMap((e) => [
          h('dt', { id: `glossary-${e.id}`, class: e.id === focus ? 'focused' : undefined }, `${e.id} · ${words(e).name}`),
          h('dd', {}, words(e).plain),
        ]),
      ),
    );
  root.replaceChildren(
    h('h1', {}, t('glossary.title')),
    h('p', { class: 'hint' }, t('glossary.intro')),
    section(t('glossary.tricks'), 'T'),
    section(t('glossary.rules'), 'A'),
  );
  if (focus) document.getElementById(`glossary-${focus}`)?.scrollIntoView();
}
