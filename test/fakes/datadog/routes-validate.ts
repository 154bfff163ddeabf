// GET /api/v1/validate (README §6): API key only; the application key is not looked at.
import { type FakeRequest, json, type Reply } from './http';
import { example } from './fixtures';
import type { FakeDatadogState } from './state';

const NO_KEY = example('validate.403-no-key.response.json');
const INVALID_KEY = example('validate.403-invalid-key.response.json');

export function validateRoute(state: FakeDatadogState, req: FakeRequest): Reply | null {
  if (req.path !== '/api/v1/validate' || req.method !== 'GET') return null;
  if (!req.apiKey) return json(403, NO_KEY);
  if (req.apiKey !== state.apiKey || state.wrongSiteApiKeys.has(req.apiKey)) return json(403, INVALID_KEY);
  return json(200, { valid: true });
}
