import { describe, expect, it } from 'vitest';
import { match, ROUTES } from '../src/routes';

const admin = { role: 'admin' as const };
const member = { role: 'member' as const };

describe('the page for an address', () => {
  it('reads the id from the path and prefers the longer page', () => {
    expect(match('/runs/12', member)).toMatchObject({ route: { path: '/runs/:id' }, id: 12 });
    expect(match('/runs/12/predict', member)).toMatchObject({ route: { path: '/runs/:id/predict' }, id: 12 });
    expect(match('/runs/new', member).route.path).toBe('/runs/new');
    expect(match('/datasets/3', member).id).toBe(3);
  });

  it('shows the run table for an unknown address, and to others for an admin page', () => {
    expect(match('/nowhere', member).route.path).toBe('/runs');
    expect(match('/runs/abc', member).route.path).toBe('/runs');
    expect(match('/users', member).route.path).toBe('/runs');
    expect(match('/users', admin).route.path).toBe('/users');
    expect(match('/audit', null).route.path).toBe('/runs');
  });

  it('has one row per page', () => {
    expect(new Set(ROUTES.map((r) => r.path)).size).toBe(ROUTES.length);
  });
});
