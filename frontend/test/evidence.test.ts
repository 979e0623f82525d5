import { describe, expect, it } from 'vitest';
import { evidenceSentence } from '../src/evidence';
import { setLang } from '../src/i18n';

describe("a suggestion's evidence in words", () => {
  it("turns the advisor's numbers into one sentence", () => {
    setLang('en', null);
    expect(evidenceSentence({ valAccuracy: 0.7264, stillRising: true, epoch: 3 })).toBe(
      'Validation accuracy 72.6 % and still rising, at epoch 3.',
    );
  });

  it('says the gap in points and leaves out the helper values', () => {
    setLang('en', null);
    const sentence = evidenceSentence({ trainAccuracy: 0.99, valAccuracy: 0.81, gap: 0.18 });
    expect(sentence).toContain('99.0 %');
    expect(sentence).toContain('81.0 %');
    expect(sentence).toContain('18.0');
    expect(sentence).not.toMatch(/stillRising|gap 0\.18/);
  });

  it('says how sure a validation accuracy is where the split size is known (issue 32)', () => {
    setLang('en', null);
    expect(evidenceSentence({ valAccuracy: 0.956, valImages: 90, valPlusMinus: 0.0426, epoch: 6 })).toBe(
      'Validation accuracy 95.6 % ± 4.3 points on 90 images, at epoch 6.',
    );
    expect(evidenceSentence({ meanSwing: 0.045, swingNoise: 0.06 })).toContain('chance alone explains up to 6.0 points');
  });

  it('writes Chinese for a Chinese reader', () => {
    setLang('zh-CN', null);
    expect(evidenceSentence({ valAccuracy: 0.5, epoch: 2 })).toMatch(/50\.0 %/);
    expect(evidenceSentence({ valAccuracy: 0.5, epoch: 2 })).not.toMatch(/validation/);
    setLang('en', null);
  });
});
