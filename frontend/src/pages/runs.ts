// The run table for the whole team: sortable and filterable columns, a search, archived runs on
// request, and checkboxes to compare 2-8 runs. The filter lives in the URL (#/runs?state=..&sort=..)
// so a lead can share it; the rows refresh every few seconds without touching the controls.
import { api, type Run } from '../api';
import { formatDuration, formatPercent, h, mount, stateBadge } from '../dom';
import { formatDateTime, formatNumber, t, type MessageKey } from '../i18n';
import { isLead } from '../session';

interface Column {
  key: string;
  label: MessageKey;
  value: (r: Run) => string | number | null;
  cell: (r: Run) => Node | string;
}

const duration = (r: Run): number | null =>
  r.startedAt ? ((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000 : null;

const COLUMNS: Column[] = [
  { key: 'name', label: 'runs.col.name', value: (r) => r.id, cell: (r) => h('a', { href: `#/runs/${r.id}` }, `#${r.id} ${r.name}`) },
  {
    key: 'dataset',
    label: 'runs.col.dataset',
    value: (r) => `${r.datasetName} v${r.datasetVersion}`,
    cell: (r) => `${r.datasetName} · v${r.datasetVersion}`,
  },
  {
    key: 'preset',
    label: 'runs.col.preset',
    value: (r) => r.adjustments?.presetName ?? r.presetId ?? '',
    cell: (r) => r.adjustments?.presetName ?? r.presetId ?? '—',
  },
  { key: 'state', label: 'runs.col.state', value: (r) => r.state, cell: (r) => stateBadge(r.state) },
  {
    key: 'review',
    label: 'runs.col.review',
    value: (r) => r.review?.decision ?? '',
    cell: (r) =>
      r.review
        ? h('span', { class: `badge review-${r.review.decision}` }, t(`review.${r.review.decision}` as MessageKey))
        : r.reviewRequest
          ? h('span', { class: 'badge review-waiting' }, t('review.waiting'))
          : '—',
  },
  { key: 'creator', label: 'runs.col.creator', value: (r) => r.createdBy, cell: (r) => r.createdBy },
  { key: 'tags', label: 'runs.col.tags', value: (r) => r.tags.join(','), cell: (r) => r.tags.join(', ') },
  { key: 'val', label: 'runs.col.val', value: (r) => r.bestValAccuracy, cell: (r) => formatPercent(r.bestValAccuracy) },
  { key: 'test', label: 'runs.col.test', value: (r) => r.testAccuracy, cell: (r) => formatPercent(r.testAccuracy) },
  {
    key: 'duration',
    label: 'runs.col.duration',
    value: duration,
    cell: (r) => {
      const d = duration(r);
      return d === null ? '—' : formatDuration(d);
    },
  },
  {
    key: 'speed',
    label: 'runs.col.speed',
    value: (r) => r.imagesPerSecond,
    cell: (r) => (r.imagesPerSecond ? formatNumber(r.imagesPerSecond) : '—'),
  },
  { key: 'created', label: 'runs.col.created', value: (r) => r.createdAt, cell: (r) => formatDateTime(r.createdAt) },
];

/** The review filter: waiting (asked, not decided), none (never decided), or a decision. */
function reviewMatches(r: Run, wanted: string): boolean {
  if (wanted === 'waiting') return !!r.reviewRequest && !r.review;
  return wanted === 'none' ? !r.review : r.review?.decision === wanted;
}

const STATES = ['', 'queued', 'assigned', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'];

export async function runsPage(root: HTMLElement, query: URLSearchParams): Promise<() => void> {
  const filter = {
    q: query.get('q') ?? '',
    state: query.get('state') ?? '',
    review: query.get('review') ?? '',
    tag: query.get('tag') ?? '',
    archived: query.get('archived') === '1',
    sort: query.get('sort') ?? 'created',
    dir: query.get('dir') === 'asc' ? 'asc' : 'desc',
  };
  const selected = new Set<number>();
  let runs: Run[] = await api.runs();

  const search = h('input', {
    type: 'search',
    placeholder: t('runs.search'),
    'aria-label': t('runs.searchLabel'),
    value: filter.q,
  }) as HTMLInputElement;
  const state = h(
    'select',
    { 'aria-label': t('runs.filterState') },
    ...STATES.map((s) => h('option', { value: s, selected: s === filter.state }, s ? t(`state.${s}` as MessageKey) : t('runs.anyState'))),
  ) as HTMLSelectElement;
  const review = h(
    'select',
    { 'aria-label': t('runs.filterReview') },
    ...['', 'waiting', 'approved', 'rejected', 'none'].map((s) =>
      h(
        'option',
        { value: s, selected: s === filter.review },
        s === '' ? t('runs.anyReview') : s === 'none' ? t('runs.notReviewed') : t(`review.${s}` as MessageKey),
      ),
    ),
  ) as HTMLSelectElement;
  const tag = h('input', {
    type: 'text',
    placeholder: t('runs.tag'),
    'aria-label': t('runs.filterTag'),
    value: filter.tag,
    size: 10,
  }) as HTMLInputElement;
  const archived = h('input', { type: 'checkbox', id: 'show-archived', checked: filter.archived }) as HTMLInputElement;
  const compare = h('button', { 'data-testid': 'compare-selected', disabled: true }, t('runs.compare')) as HTMLButtonElement;
  const count = h('span', { class: 'hint', 'data-testid': 'run-count' });
  const head = h('thead', {});
  const body = h('tbody', {});
  const table = h('table', { class: 'runs', 'aria-label': t('runs.title') }, head, body);

  function writeUrl() {
    const p = new URLSearchParams();
    if (filter.q) p.set('q', filter.q);
    if (filter.state) p.set('state', filter.state);
    if (filter.review) p.set('review', filter.review);
    if (filter.tag) p.set('tag', filter.tag);
    if (filter.archived) p.set('archived', '1');
    if (filter.sort !== 'created') p.set('sort', filter.sort);
    if (filter.dir !== 'desc') p.set('dir', filter.dir);
    const hash = `#/runs${p.toString() ? `?${p}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  function visible(): Run[] {
    const q = filter.q.trim().toLowerCase();
    const wantedTag = filter.tag.trim().toLowerCase();
    const column = COLUMNS.find((c) => c.key === filter.sort) ?? COLUMNS[COLUMNS.length - 1];
    const sign = filter.dir === 'asc' ? 1 : -1;
    return runs
      .filter((r) => filter.archived || !r.archivedAt)
      .filter((r) => !q || r.name.toLowerCase().includes(q) || `#${r.id}` === q)
      .filter((r) => !filter.state || r.state === filter.state)
      .filter((r) => !filter.review || reviewMatches(r, filter.review))
      .filter((r) => !wantedTag || r.tags.includes(wantedTag))
      .sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        if (x === y) return b.id - a.id;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * sign;
      });
  }

  function renderHead() {
    head.replaceChildren(
      h(
        'tr',
        {},
        h('th', {}, h('span', { class: 'sr-only' }, t('runs.select'))),
        ...COLUMNS.map((c) => {
          const sorted = filter.sort === c.key;
          const button = h(
            'button',
            { class: 'link sort', 'data-sort': c.key },
            t(c.label) + (sorted ? (filter.dir === 'asc' ? ' ▲' : ' ▼') : ''),
          );
          button.addEventListener('click', () => {
            filter.dir = sorted && filter.dir === 'desc' ? 'asc' : 'desc';
            filter.sort = c.key;
            update();
          });
          return h('th', { 'aria-sort': sorted ? (filter.dir === 'asc' ? 'ascending' : 'descending') : undefined }, button);
        }),
      ),
    );
  }

  // A lead sees how many of the team's runs wait for a review, one click from the list of them.
  const waiting = h('button', { class: 'waiting', 'data-testid': 'waiting-for-review', hidden: true });
  waiting.addEventListener('click', () => {
    filter.review = 'waiting';
    review.value = 'waiting';
    update();
  });

  function renderBody() {
    const waitingCount = runs.filter((r) => !r.archivedAt && reviewMatches(r, 'waiting')).length;
    waiting.hidden = !isLead() || waitingCount === 0;
    waiting.textContent = t('runs.waitingForYou', { n: waitingCount });
    const rows = visible();
    count.textContent = t('runs.count', { shown: rows.length, total: runs.length });
    body.replaceChildren(
      ...rows.map((r) => {
        const box = h('input', {
          type: 'checkbox',
          'aria-label': t('runs.selectRun', { id: r.id }),
          checked: selected.has(r.id),
          'data-run': r.id,
        }) as HTMLInputElement;
        box.addEventListener('change', () => {
          if (box.checked) selected.add(r.id);
          else selected.delete(r.id);
          updateCompare();
        });
        return h(
          'tr',
          { class: r.archivedAt ? 'archived' : undefined, 'data-run-id': r.id },
          h('td', {}, box),
          ...COLUMNS.map((c) => h('td', { 'data-col': c.key }, c.cell(r))),
        );
      }),
    );
  }

  function updateCompare() {
    compare.disabled = selected.size < 2 || selected.size > 8;
    compare.textContent = selected.size ? t('runs.compareCount', { count: selected.size }) : t('runs.compare');
  }

  function update() {
    writeUrl();
    renderHead();
    renderBody();
  }

  search.addEventListener('input', () => {
    filter.q = search.value;
    update();
  });
  state.addEventListener('change', () => {
    filter.state = state.value;
    update();
  });
  review.addEventListener('change', () => {
    filter.review = review.value;
    update();
  });
  tag.addEventListener('input', () => {
    filter.tag = tag.value;
    update();
  });
  archived.addEventListener('change', () => {
    filter.archived = archived.checked;
    update();
  });
  compare.addEventListener('click', () => {
    const ids = runs
      .filter((r) => selected.has(r.id))
      .map((r) => r.id)
      .sort((a, b) => a - b);
    location.hash = `#/compare?runs=${ids.join(',')}`;
  });

  mount(
    root,
    h('div', { class: 'title-row' }, h('h1', {}, t('runs.title')), h('a', { class: 'button', href: '#/runs/new' }, t('runs.new'))),
    h(
      'div',
      { class: 'filters' },
      search,
      state,
      review,
      tag,
      h('label', { for: 'show-archived', class: 'inline' }, archived, ` ${t('runs.showArchived')}`),
      compare,
      count,
      waiting,
    ),
    runs.length
      ? table
      : h(
          'p',
          { class: 'card' },
          `${t('runs.empty')} `,
          h('a', { href: '#/datasets' }, t('runs.emptyUpload')),
          ` ${t('runs.emptyLaunch')}`,
        ),
  );
  update();
  updateCompare();

  const timer = setInterval(async () => {
    try {
      runs = await api.runs();
      renderBody();
    } catch {
      // the next tick tries again
    }
  }, 3000);
  return () => clearInterval(timer);
}
