// Messages in the person's language: English or Simplified Chinese, from the bundles in messages/
// (scripts/check-i18n.mjs fails the build when a key is missing in one of them). The language
// follows the browser until the person picks one in the header; the pick is remembered per person.
import en from './messages/en.json';
import zhCN from './messages/zh-CN.json';

export type Lang = 'en' | 'zh-CN';
export type MessageKey = keyof typeof en;

const BUNDLES: Record<Lang, Record<string, string>> = { en, 'zh-CN': zhCN };
export const LANGUAGES: { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

const STORAGE = 'kiln.lang';
let current: Lang = fromBrowser();

function fromBrowser(): Lang {
  const saved = localStorage.getItem(STORAGE);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  const asked = navigator.languages?.length ? navigator.languages : [navigator.language];
  return asked.some((l) => /^zh(-(cn|hans|sg))?$/i.test(l) || /^zh-hans/i.test(l)) ? 'zh-CN' : 'en';
}

/** The language of the pages; the person's own pick wins over the browser's. */
export function lang(): Lang {
  return current;
}

/** Takes the person's remembered pick (per user), else the browser's language. */
export function adoptLanguageOf(username: string | null) {
  const mine = username ? localStorage.getItem(`${STORAGE}.${username}`) : null;
  current = mine === 'en' || mine === 'zh-CN' ? mine : fromBrowser();
  document.documentElement.lang = current;
}

export function setLang(next: Lang, username: string | null) {
  current = next;
  localStorage.setItem(STORAGE, next);
  if (username) localStorage.setItem(`${STORAGE}.${username}`, next);
  document.documentElement.lang = next;
}

/** The message for {@code key} with its {placeholders} filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = BUNDLES[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_m, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/**
 * Words in both languages, written where they are declared (a chart's title beside its entry in
 * curves.ts) instead of under a key in both bundles; the type makes a missing language a build error.
 */
export type Words = Record<Lang, string>;

/** A bundle's message or words given in place, in the person's language. */
export function say(words: MessageKey | Words): string {
  return typeof words === 'string' ? t(words) : words[current];
}

/** "{n} request" or "{n} requests": the bundle's {@code key.one} or {@code key.other} form for n. */
export function plural(key: string, n: number): string {
  const form = new Intl.PluralRules(current).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}` as MessageKey, { n });
}

/** A number as the person's locale writes it. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(current, { maximumFractionDigits: digits });
}

/** A moment as the person's locale writes it. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(current);
}

document.documentElement.lang = current;
