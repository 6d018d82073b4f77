/** Run history: SQLite (default) or PostgreSQL through one Kysely query layer. */
export { openStore, sha256Hex, SQLITE_BUSY_TIMEOUT_MS } from './store.ts';
export { parseDbSpec, maskSpec, DEFAULT_DB_SPEC } from './spec.ts';
export { StoreError, matchesText, prefixMatches, type PrefixMatches, type StoreErrorCode } from './errors.ts';
export { newRunId, isRunId, runIdTime, RUN_ID_LENGTH } from './ids.ts';
export { diffJson, deepEqual } from './diff.ts';
export { MIGRATIONS, LATEST_MIGRATION, STORE_TABLES } from './schema.ts';
export * from './types.ts';
export { runExportHead, type RunExportHead } from './run-export.ts';
export { formatRunList, formatRun, formatDiff, unitOf, fmtNum, type FormatDiffOptions } from './format.ts';
export {
  StudyStore,
  studyId,
  type StudyDefinition,
  type StudyKind,
  type StudyPointRow,
  type StudySummaryRow,
  type StoredStudy,
  type StoredCell,
} from './studies.ts';
export {
  CampaignStore,
  campaignId,
  type CampaignDefinition,
  type StoredCampaign,
  type CampaignCellRow,
  type CampaignListRow,
} from './campaigns.ts';
export { CellSpool, SpoolWriter } from './spool.ts';
