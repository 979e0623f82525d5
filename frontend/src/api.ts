import { lang } from './i18n';
// Typed access to the Kiln REST API. Types mirror the backend's views (RunView, DatasetView, ...).
import type { MetricName } from './metrics';

/** Something validation noticed about a dataset: what it is, what Kiln did, what the user can do. */
export interface Finding {
  kind: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
  files: string[];
  fileCount: number;
  action: string;
  advice: string;
}

/** One immutable version of a dataset, with its splits (train / val / test), findings and statistics. */
export interface Dataset {
  id: number;
  name: string;
  lineageId: number;
  version: number;
  classNames: string[];
  classCounts: Record<string, number>;
  imageCount: number;
  sizeBytes: number;
  createdAt: string;
  createdBy: string;
  splitCounts: Record<string, Record<string, number>>;
  findings: Finding[];
  statistics: DatasetStatistics | null;
  gallery: Record<string, string[]>;
  split: SplitInfo;
  versions: VersionRef[];
}

/** Image sizes and channels over a dataset, and how unbalanced its classes are. */
export interface DatasetStatistics {
  imbalanceRatio: number;
  sizes: Record<string, number>;
  channels: Record<string, number>;
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  /** The median of the images' shorter sides (0 for datasets imported before it was measured). */
  medianShortSide: number;
}

/** How a dataset's splits were made (empty for datasets imported before splits existed). */
export interface SplitInfo {
  mode?: string;
  valPercent?: number;
  testPercent?: number;
  seed?: number;
}

/** Another version of the same dataset. */
export interface VersionRef {
  id: number;
  version: number;
  createdAt: string;
  imageCount: number;
}

/** A change Kiln made to a preset for a dataset, with the trick that asks for it. */
export interface Adjustment {
  field: string;
  from: unknown;
  to: unknown;
  trickId: string;
  why: string;
}

/** A named starting recipe with a plain-language card. */
export interface Preset {
  id: string;
  name: string;
  description: string;
  whenToUse: string;
  cost: string;
  goal: string;
  trickIds: string[];
  fields: Record<string, unknown>;
  builtIn: boolean;
  basedOn: string | null;
  createdBy: string | null;
  updatedAt: string | null;
}

/** How long training will take, and what the figure is based on. */
export interface Estimate {
  imagesPerSecond: number;
  secondsPerEpoch: number;
  totalSeconds: number;
  basis: string;
}

export interface PresetPreview {
  presetId: string;
  recipe: Recipe;
  adjustments: Adjustment[];
  undone: Adjustment[];
  estimate: Estimate;
}

/** A launch: the dataset, optionally a preset, and any recipe field at the top level (POST /api/runs). */
export interface RunRequest {
  datasetId: number;
  name?: string;
  autopilot?: number;
  presetId?: string;
  undoAdjustments?: string[];
  requiredLabels?: string[];
  minDeviceMemoryGb?: number;
  priority?: number;
  [field: string]: unknown;
}

/** A custom preset to create or replace. */
export interface PresetBody {
  name: string;
  description?: string;
  fields: Record<string, unknown>;
  basedOn?: string;
}

/** What to preview: the dataset, the user's own values, the adjustments to undo, whose speed to estimate with. */
export interface PreviewRequest {
  datasetId: number;
  fields?: Record<string, unknown>;
  undoAdjustments?: string[];
  agentId?: number;
}

/** A new split of the same images (POST /api/datasets/{id}/versions). */
export interface ResplitRequest {
  valPercent?: number;
  testPercent?: number;
  seed?: number;
}

export interface SampleRequest {
  size?: string;
}

export interface Credentials {
  username: string;
  password: string;
}

export type RunState = 'queued' | 'assigned' | 'running' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';

/** The flat recipe: every field of GET /api/recipe/fields (a few are named here for the pages that read them). */
export interface Recipe {
  architecture: string;
  optimizer: string;
  learningRate: number;
  batchSize: number;
  epochs: number;
  schedule: string;
  [field: string]: unknown;
}

/** One recipe field with its explanation and trick IDs (see TRAINING-TRICKS.md). */
export interface RecipeField {
  name: string;
  type: 'text' | 'number' | 'integer' | 'boolean' | 'integer_list';
  defaultValue: unknown;
  group: string;
  label: string;
  help: string;
  trickIds: string[];
  advanced: boolean;
  choices: string[];
  min: number | null;
  max: number | null;
}

export interface ClassScore {
  name: string;
  precision: number | null;
  recall: number | null;
  support: number;
}

export interface ConfusionCell {
  actual: number;
  predicted: number;
  imageIds: string[];
}

export interface Mistake {
  imageId: string;
  actual: string;
  predicted: string;
  confidence: number;
}

export interface Evaluation {
  split: string;
  accuracy: number;
  classNames: string[];
  perClass: ClassScore[];
  /** The whole matrix, up to 100 classes. */
  confusion?: number[][];
  /** Beyond 100 classes instead of the matrix: the most confused pairs, most first. */
  confusedPairs?: ConfusedPair[];
  mistakes: Mistake[];
  cells?: ConfusionCell[];
  epoch: number;
  bestEpoch: number;
  stoppedEarly?: string;
  testAccuracy?: number;
  testLoss?: number;
  testImages?: number;
  valAccuracy?: number;
}

/** How many images of one class the model gave to another. */
export interface ConfusedPair {
  actual: number;
  predicted: number;
  count: number;
}

/** What Kiln changed in the preset a run was launched from, and what the user undid. */
export interface RunAdjustments {
  presetName: string;
  applied: Adjustment[];
  undone: Adjustment[];
}

export interface Run {
  id: number;
  name: string;
  datasetId: number;
  datasetName: string;
  state: RunState;
  recipe: Recipe;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  agentId: number | null;
  device: string | null;
  totalEpochs: number;
  currentEpoch: number;
  stepsPerEpoch: number;
  lastStep: number;
  bestValAccuracy: number | null;
  failureReason: string | null;
  /** The recipe field a settings failure names (what to change), else null. */
  failureField: string | null;
  modelAvailable: boolean;
  /** The model holds an ONNX export: it answers predictions and runs outside Kiln. */
  onnxAvailable: boolean;
  /** Why a model has no ONNX export (e.g. an uploaded TorchScript backbone), else null. */
  onnxUnavailableReason: string | null;
  note: string | null;
  evaluation: Evaluation | null;
  parentId: number | null;
  suggestionId: number | null;
  autopilot: number;
  autopilotChild: boolean;
  autopilotNote: string | null;
  datasetVersion: number;
  testAccuracy: number | null;
  presetId: string | null;
  adjustments: RunAdjustments | null;
  teamId: number;
  tags: string[];
  remarks: string | null;
  review: RunReview | null;
  archivedAt: string | null;
  imagesPerSecond: number | null;
  /** How many times an agent has taken the run (GET /api/runs/{id}/attempts lists them). */
  attempts: number;
  /** The last epoch whose checkpoint is stored (0: none); a requeued run resumes after it. */
  checkpointEpoch: number;
  /** Labels the agent that takes the run must carry. */
  requiredLabels: string[];
  /** Device memory the agent must have, in GB (null: any). */
  minDeviceMemoryGb: number | null;
  /** Higher is handed out first (-10 to 10). */
  priority: number;
}

/** One time an agent took a run; outcome is null while it runs. */
export interface RunAttempt {
  runId: number;
  number: number;
  agentId: number | null;
  startedAt: string;
  endedAt: string | null;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'requeued' | 'retried_smaller' | null;
  failureClass: 'infrastructure' | 'out_of_memory' | 'recipe' | null;
  reason: string | null;
  resumedFromEpoch: number;
}

/** One class and the model's probability for it. */
export interface ClassProbability {
  name: string;
  probability: number;
}

/** One image's answer: the most probable classes, or why it got none. */
export interface Prediction {
  file: string;
  top: ClassProbability[];
  error: string | null;
}

export interface PredictionResult {
  runId: number;
  architecture: string;
  channels: number;
  inputSize: number;
  classNames: string[];
  predictions: Prediction[];
  millis: number;
}

export interface LoggedRequest {
  at: string;
  images: number;
  failed: number;
  millis: number;
  by: string;
}

export interface PredictionLogView {
  requests: number;
  images: number;
  failed: number;
  recent: LoggedRequest[];
}

export interface ApiKeyView {
  id: number;
  name: string;
  hint: string;
  teamId: number;
  teamName: string;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface NewApiKey {
  name: string;
  teamId: number | null;
}

/** A new key: its secret is shown only this once. */
export interface CreatedApiKey {
  secret: string;
  key: ApiKeyView;
}

/** A lead's decision on a finished run. */
export interface RunReview {
  decision: 'approved' | 'rejected';
  comment: string;
  by: string;
  at: string;
}

/** What a lead decides (POST /api/runs/{id}/review). */
export interface ReviewRequest {
  decision: 'approved' | 'rejected';
  comment?: string;
}

/** Tags and a note on a run (PUT /api/runs/{id}/annotation); absent fields stay. */
export interface RunAnnotation {
  tags?: string[];
  remarks?: string;
}

/** A recipe field that differs between compared runs: one value per run, with why it matters. */
export interface RecipeDifference {
  field: string;
  label: string;
  help: string;
  trickIds: string[];
  values: unknown[];
}

/** One compared run's results; deltas in percentage points against the first run. */
export interface ComparisonResult {
  runId: number;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  durationSeconds: number | null;
  imagesPerSecond: number | null;
  gapPoints: number | null;
  testDeltaPoints: number | null;
  best: boolean;
}

/** One class's recall in each compared run, and its change in points against the first. */
export interface ClassRecall {
  className: string;
  recall: (number | null)[];
  deltaPoints: (number | null)[];
}

/** What the comparison knows of one run. */
export interface ComparedRun {
  id: number;
  name: string;
  state: string;
  parentId: number | null;
  suggestion: string | null;
  recipe: Record<string, unknown>;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  durationSeconds: number | null;
  imagesPerSecond: number | null;
  lastGap: number | null;
  recall: Record<string, number | null> | null;
}

export interface Comparison {
  runs: ComparedRun[];
  differences: RecipeDifference[];
  results: ComparisonResult[];
  recall: ClassRecall[];
  summary: string[];
}

/** A run's curves for the compare charts: every epoch point, every k-th step point (`every`). */
export interface RunCurves {
  runId: number;
  points: MetricPoint[];
  stepPoints: number;
  every: number;
}

/** GET /api/compare?runs=3,7,12 */
export interface CompareView {
  runs: Run[];
  comparison: Comparison;
}

export interface Team {
  id: number;
  name: string;
  members: number;
}

export interface NewTeam {
  name: string;
}

/** An account as admins see it. */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: 'member' | 'lead' | 'admin';
  disabled: boolean;
  teams: Team[];
  createdAt: string;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: string;
  teamIds: number[];
}

export interface UserChange {
  displayName?: string;
  role?: string;
  teamIds?: number[];
  disabled?: boolean;
}

/** A new account or a reset: the password is shown only this once. */
export interface UserWithPassword {
  user: User;
  password: string;
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** One line of the audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  address: string | null;
}

/** A tuning suggestion of rule A1-A9 (TRAINING-TRICKS.md) with the recipe patch that applies it. */
/** An autopilot series told as one story (issue 15): its start, each follow-up run, the best so far. */
export interface AutopilotStory {
  startRunId: number;
  startBestValAccuracy: number | null;
  bestRunId: number;
  followUpsAllowed: number;
  steps: AutopilotStep[];
}

/** One follow-up run of an autopilot series: what it changed and what that gained. */
export interface AutopilotStep {
  runId: number;
  parentId: number;
  ruleId: string | null;
  changes: FieldChange[];
  state: string;
  bestValAccuracy: number | null;
  gain: number | null;
  kept: boolean;
}

/** One recipe field a follow-up run changed, from its parent's value to its own. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface Suggestion {
  id: number;
  runId: number;
  ruleId: string;
  trickIds: string[];
  severity: 'high' | 'medium' | 'low';
  title: string;
  explanation: string;
  evidence: Record<string, unknown>;
  patch: Record<string, unknown>;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  appliedRunId: number | null;
}

/** A point's values by metric name (metrics.ts, from core's Metric): a misspelt name does not compile. */
export type MetricValues = { [K in MetricName]?: number };

export interface MetricPoint {
  seq: number;
  kind: 'step' | 'epoch';
  epoch: number;
  step: number;
  values: MetricValues;
  at: number;
}

export interface Device {
  id: string;
  kind: string;
  name: string;
  /** Bytes of memory (GPU memory, or the machine's for the CPU), when the agent could tell. */
  memoryBytes: number | null;
}

/** An enrollment token that can still be used (GET /api/agents/enrollment-tokens). */
export interface PendingToken {
  id: number;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  /** Enrollments left (1 for a one-time token). */
  usesLeft: number;
}

/** One agent in detail (GET /api/agents/{id}): its recent attempts at runs, newest first. */
export interface AgentDetail {
  agent: Agent;
  protocolVersion: number;
  attempts: RunAttempt[];
}

export interface Agent {
  id: number;
  name: string;
  hostname: string | null;
  agentVersion: string | null;
  devices: Device[];
  createdAt: string;
  lastSeenAt: string | null;
  connected: boolean;
  revoked: boolean;
  currentRunId: number | null;
  /** Finishes its run and takes no new one until undrained. */
  drained: boolean;
  /** What the agent runs: djl, pytorch, java. */
  versions: Record<string, string>;
  /** e.g. gpu=a100: runs that require labels go only to agents that carry them. */
  labels: string[];
}

/** An agent's labels, as an admin sets them (PUT /api/agents/{id}/labels). */
export interface AgentLabels {
  labels: string[];
}

/** Pretrained weights a run can start from (T13): the catalogue's ImageNet weights or an admin's. */
export interface PretrainedView {
  key: string;
  name: string;
  architecture: string;
  origin: 'catalogue' | 'imported';
  status: 'stored' | 'downloadable' | 'unavailable';
  detail: string;
  url: string | null;
  sha256: string;
  sizeBytes: number;
  imagenetTop1: number | null;
  teamId: number | null;
  createdBy: string | null;
  createdAt: string | null;
}

/** What a dataset can start from, and the wizard's default (GET /api/presets/starting-points). */
export interface StartingPointsView {
  photos: boolean;
  typicalSide: number;
  colour: boolean;
  gpu: boolean;
  options: StartOption[];
  recommended: StartRecommendation;
}

/** A starting point: pretrained weights, a finished run or a backbone, usable or not (with why). */
export interface StartOption {
  kind: 'pretrained' | 'run' | 'backbone';
  id: string;
  name: string;
  architecture: string;
  usable: boolean;
  whyNot: string | null;
  fields: Record<string, unknown>;
}

/** The wizard's default goal, preset (null: the goal's first) and starting-weight fields, with why. */
export interface StartRecommendation {
  goal: 'fast' | 'accuracy' | 'small-data';
  presetId: string | null;
  fields: Record<string, unknown>;
  note: string | null;
}

/** An uploaded pretrained TorchScript backbone (T13). */
export interface Backbone {
  id: number;
  name: string;
  sizeBytes: number;
  createdAt: string;
  createdBy: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/** An error reply from the API: the sentence to show and, for forms, the fields at fault. */
export class ApiError extends Error {
  constructor(public status: number, message: string, public fields: FieldError[] = [],
    public findings: Finding[] = []) {
    super(message);
  }
}

/** The JSON body of every error reply. */
export interface ErrorBody {
  status: number;
  error: string;
  fields?: FieldError[];
  findings?: Finding[];
}

export interface Me {
  username: string;
  displayName: string;
  role: 'member' | 'lead' | 'admin';
  roles: string[];
  teams: Team[];
  defaultTeamId: number;
}

/** The team the person works in now (the header's picker); null: all of their teams. */
let currentTeam: number | null = null;

export function setCurrentTeam(team: number | null) {
  currentTeam = team;
}

export function getCurrentTeam(): number | null {
  return currentTeam;
}

/** Headers every API call carries: the current team, when one is chosen. */
/** Headers every request carries: the team acted for, and the person's language (the server writes its sentences in it). */
export function requestHeaders(): Record<string, string> {
  const language = { 'Accept-Language': lang() === 'zh-CN' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en' };
  return currentTeam === null ? language : { ...language, 'Kiln-Team': String(currentTeam) };
}

/** A new session (login): the token is also set as the session cookie. */
export interface Session {
  token: string;
  username: string;
  role: string;
  expiresAt: string;
}

/** Whether the Fashion-MNIST sample is installed, and its sizes (images in all). */
export interface SampleAvailability {
  available: boolean;
  name: string;
  description: string;
  sizes: Record<string, number>;
}

export interface EnrollmentToken {
  token: string;
  expiresAt: string;
  /** kiln.public-url when configured: the address agents should use. */
  serverUrl: string | null;
  /** How many agents may enroll with it. */
  uses: number;
}

/** A new enrollment token (POST /api/agents/enrollment-tokens; nothing: one agent). */
export interface TokenRequest {
  uses: number | null;
  hours: number | null;
}

export interface Revoked {
  id: number;
  revoked: boolean;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...requestHeaders() } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, init);
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && !path.endsWith('/login')) {
      window.dispatchEvent(new CustomEvent('kiln:unauthorized'));
    }
    throw new ApiError(response.status, data?.error ?? `HTTP ${response.status}`, data?.fields ?? [],
      data?.findings ?? []);
  }
  return data as T;
}

export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/api/auth/login', { username, password } satisfies Credentials),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<Me>('GET', '/api/auth/me'),
  datasets: () => request<Dataset[]>('GET', '/api/datasets'),
  dataset: (id: number) => request<Dataset>('GET', `/api/datasets/${id}`),
  resplit: (id: number, body: ResplitRequest) =>
    request<Dataset>('POST', `/api/datasets/${id}/versions`, body),
  sample: () => request<SampleAvailability>('GET', '/api/datasets/sample'),
  importSample: (size: string) => request<Dataset>('POST', '/api/datasets/sample', { size } satisfies SampleRequest),
  presets: () => request<Preset[]>('GET', '/api/presets'),
  createPreset: (body: PresetBody) => request<Preset>('POST', '/api/presets', body),
  updatePreset: (id: string, body: PresetBody) => request<Preset>('PUT', `/api/presets/${id}`, body),
  deletePreset: (id: string) => request<void>('DELETE', `/api/presets/${id}`),
  previewPreset: (id: string, body: PreviewRequest) =>
    request<PresetPreview>('POST', `/api/presets/${id}/preview`, body),
  runs: () => request<Run[]>('GET', '/api/runs'),
  run: (id: number) => request<Run>('GET', `/api/runs/${id}`),
  backbones: () => request<Backbone[]>('GET', '/api/backbones'),
  startingPoints: (datasetId: number) =>
    request<StartingPointsView>('GET', `/api/presets/starting-points?datasetId=${datasetId}`),
  pretrained: () => request<PretrainedView[]>('GET', '/api/pretrained'),
  checkPretrained: () => request<PretrainedView[]>('POST', '/api/pretrained/check'),
  fetchPretrained: (key: string) => request<PretrainedView>('POST', `/api/pretrained/${key}/fetch`),
  importPretrained: async (file: File, name: string, teamId: number | null): Promise<PretrainedView> => {
    const form = new FormData();
    form.append('file', file);
    if (name) form.append('name', name);
    if (teamId !== null) form.append('teamId', String(teamId));
    const response = await fetch('/api/pretrained', { method: 'POST', body: form, credentials: 'same-origin',
      headers: requestHeaders() });
    const data = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw new ApiError(response.status, data?.error ?? `upload failed (HTTP ${response.status})`, data?.fields ?? []);
    }
    return data as PretrainedView;
  },
  uploadBackbone: async (file: File, name: string): Promise<Backbone> => {
    const form = new FormData();
    form.append('file', file);
    if (name) form.append('name', name);
    const response = await fetch('/api/backbones', { method: 'POST', body: form, credentials: 'same-origin',
      headers: requestHeaders() });
    const data = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response.status, data?.error ?? `upload failed (HTTP ${response.status})`);
    return data as Backbone;
  },
  recipeFields: () => request<RecipeField[]>('GET', '/api/recipe/fields'),
  createRun: (body: RunRequest) => request<Run>('POST', '/api/runs', body),
  suggestions: (id: number) => request<Suggestion[]>('GET', `/api/runs/${id}/suggestions`),
  autopilotStory: (runId: number) => request<AutopilotStory>('GET', `/api/runs/${runId}/autopilot`),
  applySuggestion: (runId: number, suggestionId: number) =>
    request<Run>('POST', `/api/runs/${runId}/suggestions/${suggestionId}/apply`),
  cancelRun: (id: number) => request<Run>('POST', `/api/runs/${id}/cancel`),
  runAttempts: (id: number) => request<RunAttempt[]>('GET', `/api/runs/${id}/attempts`),
  agents: () => request<Agent[]>('GET', '/api/agents'),
  enrollmentToken: (body?: TokenRequest) => request<EnrollmentToken>('POST', '/api/agents/enrollment-tokens', body),
  pendingTokens: () => request<PendingToken[]>('GET', '/api/agents/enrollment-tokens'),
  revokeToken: (id: number) => request<void>('DELETE', `/api/agents/enrollment-tokens?id=${id}`),
  agent: (id: number) => request<AgentDetail>('GET', `/api/agents/${id}`),
  labelAgent: (id: number, labels: string[]) => request<Agent>('PUT', `/api/agents/${id}/labels`, { labels }),
  revokeAgent: (id: number) => request<Revoked>('POST', `/api/agents/${id}/revoke`),
  drainAgent: (id: number, now: boolean) => request<Agent[]>('POST', `/api/agents/${id}/drain${now ? '?now=true' : ''}`),
  undrainAgent: (id: number) => request<Agent[]>('POST', `/api/agents/${id}/undrain`),
  review: (id: number, body: ReviewRequest) => request<Run>('POST', `/api/runs/${id}/review`, body),
  annotate: (id: number, body: RunAnnotation) => request<Run>('PUT', `/api/runs/${id}/annotation`, body),
  archive: (id: number) => request<Run>('POST', `/api/runs/${id}/archive`),
  restore: (id: number) => request<Run>('POST', `/api/runs/${id}/restore`),
  curves: (ids: number[]) => request<RunCurves[]>('GET', `/api/compare/curves?runs=${ids.join(',')}`),
  compare: (ids: number[]) => request<CompareView>('GET', `/api/compare?runs=${ids.join(',')}`),
  teams: () => request<Team[]>('GET', '/api/teams'),
  createTeam: (body: NewTeam) => request<Team>('POST', '/api/teams', body),
  users: () => request<User[]>('GET', '/api/users'),
  createUser: (body: NewUser) => request<UserWithPassword>('POST', '/api/users', body),
  changeUser: (id: number, body: UserChange) => request<User>('PUT', `/api/users/${id}`, body),
  resetPassword: (id: number) => request<UserWithPassword>('POST', `/api/users/${id}/password`),
  changePassword: (body: PasswordChange) => request<void>('POST', '/api/auth/password', body),
  audit: (query: URLSearchParams) => request<AuditEntry[]>('GET', `/api/audit?${query}`),
  auditActions: () => request<string[]>('GET', '/api/audit/actions'),
  predictionLog: (id: number) => request<PredictionLogView>('GET', `/api/runs/${id}/predict/log`),
  apiKeys: () => request<ApiKeyView[]>('GET', '/api/api-keys'),
  createApiKey: (body: NewApiKey) => request<CreatedApiKey>('POST', '/api/api-keys', body),
  revokeApiKey: (id: number) => request<void>('DELETE', `/api/api-keys/${id}`),
  predict: async (runId: number, files: File[], top = 5): Promise<PredictionResult> => {
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    const response = await fetch(`/api/runs/${runId}/predict?top=${top}`, { method: 'POST', body: form,
      credentials: 'same-origin', headers: requestHeaders() });
    const data = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw new ApiError(response.status, data?.error ?? `prediction failed (HTTP ${response.status})`);
    }
    return data as PredictionResult;
  },
};

/** Optional form fields of a dataset upload: a name, the version it follows, how to split. */
export interface UploadOptions {
  name?: string;
  versionOf?: number;
  split?: 'auto' | 'archive';
  valPercent?: number;
  testPercent?: number;
  seed?: number;
}

/** Uploads a dataset archive with progress (fetch cannot report upload progress; XHR can). */
export function uploadDataset(file: File, options: UploadOptions, onProgress: (fraction: number) => void): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file);
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && value !== '') form.append(key, String(value));
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets');
    for (const [name, value] of Object.entries(requestHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: any;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status === 201) resolve(data as Dataset);
      else reject(new ApiError(xhr.status, data?.error ?? `upload failed (HTTP ${xhr.status})`, data?.fields ?? [],
        data?.findings ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, 'the upload was interrupted: check the connection and try again'));
    xhr.send(form);
  });
}
