// Public surface of the Splunk source: the client and the types its callers see.
export { SplunkClient, createSplunkClient } from './client';
export type { CallOptions, FindOptions, RunSavedSearchOptions, SavedSearchRun, ServerInfo } from './client';
export type { SplunkConfig, Sleep } from './config';
export type { CheckName, ConnectionCheck, ConnectionReport } from './connection-check';
export type { JobResults, JobStatus, ResultsOptions } from './jobs';
export type { Cell, Row } from './results';
export type { DispatchOptions, SavedSearchInfo } from './saved-searches';
export type { SplunkMessage } from './schemas';
export type { SearchApi } from './search-api';
