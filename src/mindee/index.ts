/** Mindee V2 extraction: what the Mindee Invoice Extract node calls. The SDK is only loaded by client.ts. */
export { DEFAULT_BASE_URL, checkModelId, mindeeSettings, parseBaseUrl, resultPath, type MindeeSettings, type MindeeTarget } from './settings';
export { DEFAULT_REQUEST_TIMEOUT_MS, openMindeeSession, targetDispatcher, undiciUsedByMindee, type MindeeSession } from './client';
export { CONFIDENCE_SCORES, confidenceLabel, fieldConfidence, type ConfidenceLabel, type FieldConfidence } from './confidence';
export { classifyMindeeError, failureError, isRetryable, jobFailedError, timeoutError, type MindeeFailure } from './errors';
export { clampPollingTimeout, extractDocument, POLLING_TIMEOUT_LIMITS, type ExtractOptions, type ExtractOutcome } from './extract';
export { assertInvoiceModel, CORE_FIELDS, EXPECTED_FIELDS, isoDate, lacksCoreFields, normaliseInference, resultFieldNames, snakeCase, taxRatePercent } from './normalise';
export type { DocumentKind, InvoiceRecord, RecordConfidence, SupplierRegistration, TaxLine } from './types';
export { ACCEPTED_BY_MINDEE, mindeeUpload, uploadType, type MindeeUpload } from './upload';
