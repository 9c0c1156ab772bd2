/** Invoice file checks: what the Invoice File Check node calls. Pure TypeScript, no n8n imports. */
export { sha256Hex } from '../common/hash';
export { checkInvoiceFile } from './check';
export { convertHeifToJpeg } from './convert';
export { outputFileName } from './filename';
export { REJECTION_MESSAGES, rejectionMessage } from './messages';
export { DEFAULT_JPEG_QUALITY, processInvoiceFile } from './process';
export type { AcceptedSummary, OutputFile, ProcessOptions, ProcessedFile } from './process';
export { DEFAULT_CHECK_OPTIONS, DEFAULT_MAX_BYTES, MEBIBYTE } from './types';
export type { AcceptedFile, AcceptedType, FileCheckOptions, FileCheckResult, PageCountSource, RejectReason, RejectedFile } from './types';
