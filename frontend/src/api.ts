// Typed access to the Kiln REST API. The types come from the server's OpenAPI document
// (frontend/openapi.json, which the backend's ApiContractTest keeps equal to the served one):
// `npm run api` generates src/generated/openapi.ts before every build, so a field the server renames
// or drops fails the build where the browser reads it.
import { lang } from './i18n';
import type { MetricName } from './metrics';
import type { components } from './generated/openapi';

type Schemas = components['schemas'];

/** Something validation noticed about a dataset: what it is, what Kiln did, what the user can do. */
export type Finding = Schemas['Finding'];

/** One immutable version of a dataset, with its splits (train / val / test), findings and statistics. */
export type Dataset = Schemas['DatasetView'];

/** Image sizes and channels over a dataset, and how unbalanced its classes are. */
export type DatasetStatistics = Schemas['Statistics'];

/** How a dataset's splits were made (empty for datasets imported before splits existed). */
export type SplitInfo = Schemas['SplitInfo'];

/** Another version of the same dataset. */
export type VersionRef = Schemas['VersionRef'];

/** A change Kiln made to a preset for a dataset, with the trick that asks for it. */
export type Adjustment = Schemas['Adjustment'];

/** A named starting recipe with a plain-language card. */
export type Preset = Schemas['PresetView'];

/** How long training will take, and what the figure is based on. */
export type Estimate = Schemas['Estimate'];

export type PresetPreview = Schemas['PresetPreview'];

/** A launch: the dataset, optionally a preset, and any recipe field at the top level (POST /api/runs). */
export type RunRequest = Schemas['RunRequest'];

/** A custom preset to create or replace. */
export type PresetBody = Schemas['PresetBody'];

/** What to preview: the dataset, the user's own values, the adjustments to undo, whose speed to estimate with. */
export type PreviewRequest = Schemas['PreviewRequest'];

/** A new split of the same images (POST /api/datasets/{id}/versions). */
export type ResplitRequest = Schemas['ResplitRequest'];

export type SampleRequest = Schemas['SampleRequest'];

/** One of the person's notices (the bell): the event's kind, who caused it and its facts. */
export type Notice = Schemas['NoticeView'];

/** A team's webhook, with the secret its deliveries are signed with and its delivery counts. */
export type Webhook = Schemas['WebhookView'];

export type WebhookRequest = Schemas['WebhookRequest'];

/** One delivery of an event to a webhook, with the receiver's answer. */
export type WebhookDelivery = Schemas['DeliveryView'];

/** What the model looked at in one image: how much its answer drops when each cell is hidden. */
export type WhyMap = Schemas['WhyMap'];

/** A label check: its fold runs and, once they all succeeded, the photos probably in the wrong class. */
export type LabelCheck = Schemas['LabelCheckView'];

/** One flagged photo: the class it is filed under and the one the models see. */
export type LabelIssue = Schemas['Issue'];

/** A photo that fits no class well. */
export type LabelOutlier = Schemas['Outlier'];

/** A person's choice on one flagged photo. */
export type LabelDecision = Schemas['Decision'];

/** What applying the choices did: the new dataset version when photos moved or left. */
export type LabelFixResult = Schemas['FixResult'];

export type Credentials = Schemas['Credentials'];

export type RunState = Run['state'];

/** Whether this server offers the agent as one download (kiln-agent.zip), and its size. */
export type AgentDistribution = Schemas['AgentDownload'];

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

/** One recipe field with its explanation and trick IDs (see docs/training-tricks.md). */
export type RecipeField = Schemas['FieldView'];

export type ClassScore = Schemas['ClassScore'];

export type ConfusionCell = Schemas['Cell'];

export type Mistake = Schemas['Mistake'];

export type Evaluation = Schemas['RunEvaluation'];

/** How many images of one class the model gave to another. */
export type ConfusedPair = Schemas['ConfusedPair'];

/** What Kiln changed in the preset a run was launched from, and what the user undid. */
export type RunAdjustments = Schemas['RunAdjustments'];

export type Run = Schemas['RunView'];

/** One time an agent took a run; outcome is null while it runs. */
export type RunAttempt = Schemas['Attempt'];

/** One class and the model's probability for it. */
export type ClassProbability = Schemas['ClassProbability'];

/** One image's answer: the most probable classes, or why it got none. */
export type Prediction = Schemas['Prediction'];

export type PredictionResult = Schemas['PredictionResult'];

export type LoggedRequest = Schemas['LoggedRequest'];

export type PredictionLogView = Schemas['PredictionLogView'];

export type ApiKeyView = Schemas['ApiKeyView'];

export type NewApiKey = Schemas['NewApiKey'];

/** A new key: its secret is shown only this once. */
export type CreatedApiKey = Schemas['CreatedApiKey'];

/** A lead's decision on a finished run. */
export type RunReview = Schemas['Review'];

/** What a lead decides (POST /api/runs/{id}/review). */
export type ReviewRequest = Schemas['ReviewRequest'];

/** Tags and a note on a run (PUT /api/runs/{id}/annotation); absent fields stay. */
export type RunAnnotation = Schemas['Annotation'];

/** A recipe field that differs between compared runs: one value per run, with why it matters. */
export type RecipeDifference = Schemas['Difference'];

/** One compared run's results; deltas in percentage points against the first run. */
export type ComparisonResult = Schemas['Result'];

/** One class's recall in each compared run, and its change in points against the first. */
export type ClassRecall = Schemas['Recall'];

/** What the comparison knows of one run. */
export type ComparedRun = Schemas['ComparedRun'];

export type Comparison = Schemas['Comparison'];

/** A run's curves for the compare charts: every epoch point, every k-th step point (`every`). */
export type RunCurves = Schemas['Curves'];

/** GET /api/compare?runs=3,7,12 */
export type CompareView = Schemas['CompareView'];

export type Team = Schemas['TeamView'];

export type NewTeam = Schemas['NewTeam'];

/** An account as admins see it. */
export type User = Schemas['UserView'];

export type NewUser = Schemas['NewUser'];

export type UserChange = Schemas['UserChange'];

/** A new account or a reset: the password is shown only this once. */
export type UserWithPassword = Schemas['UserWithPassword'];

export type PasswordChange = Schemas['PasswordChange'];

/** One line of the audit log. */
export type AuditEntry = Schemas['Entry'];

/** A tuning suggestion of rule A1-A9 (docs/training-tricks.md) with the recipe patch that applies it. */
/** An autopilot series told as one story (issue 15): its start, each follow-up run, the best so far. */
export type AutopilotStory = Schemas['AutopilotStory'];

/** One follow-up run of an autopilot series: what it changed and what that gained. */
export type AutopilotStep = Schemas['AutopilotStep'];

/** One recipe field a follow-up run changed, from its parent's value to its own. */
export type FieldChange = Schemas['FieldChange'];

export type Suggestion = Schemas['AdviceView'];

/** A point's values by metric name (core's Metric, from the document): a misspelt name does not compile. */
export type MetricValues = { [K in MetricName]?: number };

export type MetricPoint = Schemas['MetricView'];

export type Device = Schemas['DeviceInfo'];

/** An enrollment token that can still be used (GET /api/agents/enrollment-tokens). */
export type PendingToken = Schemas['PendingToken'];

/** One agent in detail (GET /api/agents/{id}): its recent attempts at runs, newest first. */
export type AgentDetail = Schemas['AgentDetail'];

export type Agent = Schemas['AgentView'];

/** An agent's labels, as an admin sets them (PUT /api/agents/{id}/labels). */
export type AgentLabels = Schemas['Labels'];

/** Pretrained weights a run can start from (T13): the catalogue's ImageNet weights or an admin's. */
export type PretrainedView = Schemas['PretrainedView'];

/** What a dataset can start from, and the wizard's default (GET /api/presets/starting-points). */
export type StartingPointsView = Schemas['StartingPointsView'];

/** A starting point: pretrained weights, a finished run or a backbone, usable or not (with why). */
export type StartOption = Schemas['StartOption'];

/** The wizard's default goal, preset (null: the goal's first) and starting-weight fields, with why. */
export type StartRecommendation = Schemas['StartRecommendation'];

/** An uploaded pretrained TorchScript backbone (T13). */
export type Backbone = Schemas['BackboneView'];

export type FieldError = Schemas['FieldError'];

/** An error reply from the API: the sentence to show and, for forms, the fields at fault. */
export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
    public fields: FieldError[] = [],
    public findings: Finding[] = [],
  ) {
    super(message);
  }
}

/** The JSON body of every error reply. */
export type ErrorBody = Schemas['ErrorBody'];

export type Me = Schemas['Me'];

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
export type Session = Schemas['Session'];

/** Whether the Fashion-MNIST sample is installed, and its sizes (images in all). */
export type SampleAvailability = Schemas['Availability'];

export type EnrollmentToken = Schemas['EnrollmentTokenView'];

/** A new enrollment token (POST /api/agents/enrollment-tokens; nothing: one agent). */
export type TokenRequest = Schemas['TokenRequest'];

export type Revoked = Schemas['Revoked'];

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
    throw new ApiError(response.status, data?.error ?? `HTTP ${response.status}`, data?.fields ?? [], data?.findings ?? []);
  }
  return data as T;
}

export const api = {
  login: (username: string, password: string) => request<Session>('POST', '/api/auth/login', { username, password } satisfies Credentials),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<Me>('GET', '/api/auth/me'),
  datasets: () => request<Dataset[]>('GET', '/api/datasets'),
  dataset: (id: number) => request<Dataset>('GET', `/api/datasets/${id}`),
  resplit: (id: number, body: ResplitRequest) => request<Dataset>('POST', `/api/datasets/${id}/versions`, body),
  labelChecks: (datasetId: number) => request<LabelCheck[]>('GET', `/api/datasets/${datasetId}/label-checks`),
  startLabelCheck: (datasetId: number) => request<LabelCheck>('POST', `/api/datasets/${datasetId}/label-checks`),
  cancelLabelCheck: (id: number) => request<LabelCheck>('POST', `/api/label-checks/${id}/cancel`),
  fixLabels: (id: number, decisions: LabelDecision[]) => request<LabelFixResult>('POST', `/api/label-checks/${id}/fixes`, { decisions }),
  sample: () => request<SampleAvailability>('GET', '/api/datasets/sample'),
  importSample: (size: string) => request<Dataset>('POST', '/api/datasets/sample', { size } satisfies SampleRequest),
  presets: () => request<Preset[]>('GET', '/api/presets'),
  createPreset: (body: PresetBody) => request<Preset>('POST', '/api/presets', body),
  updatePreset: (id: string, body: PresetBody) => request<Preset>('PUT', `/api/presets/${id}`, body),
  deletePreset: (id: string) => request<void>('DELETE', `/api/presets/${id}`),
  previewPreset: (id: string, body: PreviewRequest) => request<PresetPreview>('POST', `/api/presets/${id}/preview`, body),
  runs: () => request<Run[]>('GET', '/api/runs'),
  run: (id: number) => request<Run>('GET', `/api/runs/${id}`),
  backbones: () => request<Backbone[]>('GET', '/api/backbones'),
  startingPoints: (datasetId: number) => request<StartingPointsView>('GET', `/api/presets/starting-points?datasetId=${datasetId}`),
  pretrained: () => request<PretrainedView[]>('GET', '/api/pretrained'),
  checkPretrained: () => request<PretrainedView[]>('POST', '/api/pretrained/check'),
  fetchPretrained: (key: string) => request<PretrainedView>('POST', `/api/pretrained/${key}/fetch`),
  importPretrained: async (file: File, name: string, teamId: number | null): Promise<PretrainedView> => {
    const form = new FormData();
    form.append('file', file);
    if (name) form.append('name', name);
    if (teamId !== null) form.append('teamId', String(teamId));
    const response = await fetch('/api/pretrained', { method: 'POST', body: form, credentials: 'same-origin', headers: requestHeaders() });
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
    const response = await fetch('/api/backbones', { method: 'POST', body: form, credentials: 'same-origin', headers: requestHeaders() });
    const data = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response.status, data?.error ?? `upload failed (HTTP ${response.status})`);
    return data as Backbone;
  },
  recipeFields: () => request<RecipeField[]>('GET', '/api/recipe/fields'),
  createRun: (body: RunRequest) => request<Run>('POST', '/api/runs', body),
  suggestions: (id: number) => request<Suggestion[]>('GET', `/api/runs/${id}/suggestions`),
  autopilotStory: (runId: number) => request<AutopilotStory>('GET', `/api/runs/${runId}/autopilot`),
  applySuggestion: (runId: number, suggestionId: number) => request<Run>('POST', `/api/runs/${runId}/suggestions/${suggestionId}/apply`),
  cancelRun: (id: number) => request<Run>('POST', `/api/runs/${id}/cancel`),
  runAttempts: (id: number) => request<RunAttempt[]>('GET', `/api/runs/${id}/attempts`),
  agents: () => request<Agent[]>('GET', '/api/agents'),
  agentDistribution: () => request<AgentDistribution>('GET', '/api/agents/distribution/about'),
  enrollmentToken: (body?: TokenRequest) => request<EnrollmentToken>('POST', '/api/agents/enrollment-tokens', body),
  pendingTokens: () => request<PendingToken[]>('GET', '/api/agents/enrollment-tokens'),
  revokeToken: (id: number) => request<void>('DELETE', `/api/agents/enrollment-tokens?id=${id}`),
  agent: (id: number) => request<AgentDetail>('GET', `/api/agents/${id}`),
  labelAgent: (id: number, labels: string[]) => request<Agent>('PUT', `/api/agents/${id}/labels`, { labels }),
  revokeAgent: (id: number) => request<Revoked>('POST', `/api/agents/${id}/revoke`),
  drainAgent: (id: number, now: boolean) => request<Agent[]>('POST', `/api/agents/${id}/drain${now ? '?now=true' : ''}`),
  undrainAgent: (id: number) => request<Agent[]>('POST', `/api/agents/${id}/undrain`),
  review: (id: number, body: ReviewRequest) => request<Run>('POST', `/api/runs/${id}/review`, body),
  askForReview: (id: number, body: Schemas['AskRequest']) => request<Run>('POST', `/api/runs/${id}/review-request`, body),
  notices: () => request<Notice[]>('GET', '/api/notifications'),
  unreadNotices: () => request<Schemas['Unread']>('GET', '/api/notifications/unread'),
  readNotices: (ids?: number[]) => request<Schemas['Unread']>('POST', '/api/notifications/read', { ids: ids ?? null }),
  emailChoices: () => request<Schemas['EmailView']>('GET', '/api/notifications/email'),
  chooseEmail: (body: Schemas['EmailRequest']) => request<Schemas['EmailView']>('PUT', '/api/notifications/email', body),
  noticeKinds: () => request<string[]>('GET', '/api/notifications/kinds'),
  failedDeliveries: () => request<Schemas['FailedDelivery'][]>('GET', '/api/admin/failed-deliveries'),
  webhooks: () => request<Webhook[]>('GET', '/api/webhooks'),
  webhookKinds: () => request<string[]>('GET', '/api/webhooks/kinds'),
  createWebhook: (body: WebhookRequest) => request<Webhook>('POST', '/api/webhooks', body),
  deleteWebhook: (id: number) => request<void>('DELETE', `/api/webhooks/${id}`),
  testWebhook: (id: number) => request<WebhookDelivery>('POST', `/api/webhooks/${id}/test`),
  webhookDeliveries: (id: number) => request<WebhookDelivery[]>('GET', `/api/webhooks/${id}/deliveries`),
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
  why: async (runId: number, file: File): Promise<WhyMap> => {
    const form = new FormData();
    form.append('file', file, file.name);
    const response = await fetch(`/api/runs/${runId}/predict/why`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: requestHeaders(),
    });
    const data = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response.status, data?.error ?? `HTTP ${response.status}`);
    return data as WhyMap;
  },
  predict: async (runId: number, files: File[], top = 5): Promise<PredictionResult> => {
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    const response = await fetch(`/api/runs/${runId}/predict?top=${top}`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: requestHeaders(),
    });
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
      let data: (Dataset & Partial<ErrorBody>) | undefined;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status === 201 && data) resolve(data);
      else reject(new ApiError(xhr.status, data?.error ?? `upload failed (HTTP ${xhr.status})`, data?.fields ?? [], data?.findings ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, 'the upload was interrupted: check the connection and try again'));
    xhr.send(form);
  });
}
