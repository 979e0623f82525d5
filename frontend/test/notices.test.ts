import { describe, expect, it } from 'vitest';
import type { Notice } from '../src/api';
import { noticeText } from '../src/pages/notifications';

const notice = (kind: string, payload: Record<string, unknown>): Notice =>
  ({ id: 1, kind, actor: 'ana', runId: 7, createdAt: '2026-12-08T00:00:00Z', read: false, payload }) as Notice;
const run = { id: 7, name: 'cats', bestValAccuracy: 0.912, failureReason: 'the loss became NaN' };

describe('notices in words', () => {
  it('word each kind from its facts', () => {
    expect(noticeText(notice('run-succeeded', { run }))).toBe('Run #7 “cats” finished: best validation accuracy 91.2%.');
    expect(noticeText(notice('run-failed', { run }))).toBe('Run #7 “cats” failed: the loss became NaN');
    expect(noticeText(notice('review-requested', { run, request: { by: 'ana', note: 'ship it?' } }))).toBe(
      'ana asks you to review run #7 “cats”: “ship it?”',
    );
    expect(noticeText(notice('review-decided', { run, review: { decision: 'approved', comment: '', by: 'li' } }))).toBe(
      'li approved run #7 “cats”',
    );
  });

  it('say what an unknown kind is instead of showing a key', () => {
    expect(noticeText(notice('sweep-finished', {}))).toBe('Kiln event: sweep-finished');
  });
});
