import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent } from '../src/dom';
import { plural, setLang, t } from '../src/i18n';

describe('numbers and durations as a person reads them', () => {
  it('writes fractions as percentages with one decimal, and a dash for nothing', () => {
    expect(formatPercent(0.7264)).toBe('72.6%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });

  it('writes seconds, minutes and hours, and refuses what is not a duration', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(3 * 3600 + 7 * 60 + 30)).toBe('3h 7m');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('messages in both languages', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    setLang('en', null);
    expect(t('advice.applied', { id: 12 })).toContain('#12');
    expect(t('advice.applied')).toContain('{id}');
  });

  it('picks the plural form the language needs', () => {
    setLang('en', null);
    expect(plural('dataset.images', 1)).toBe('1 image');
    expect(plural('dataset.images', 3)).toBe('3 images');
    setLang('zh-CN', null);
    expect(plural('dataset.images', 3)).toMatch(/^3 ?张/);
    setLang('en', null);
  });
});
