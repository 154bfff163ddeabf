// The custody surface the workspace and the CLI use. Everything here is pure: no register, no
// files, no clock unless passed one; storage and transport are the caller's.
export * from './keys';
export * from './policy';
export * from './roster';
export * from './signed-record';
export * from './signoff';
export * from './approval';
export {
  APPROVAL_FILE_FORMAT,
  APPROVAL_REQUEST_TYPE,
  ApprovalFile,
  ApprovalRequestPayload,
  approveRequest,
  createApprovalRequest,
  exportApprovalFile,
  MAX_APPROVAL_FILE_CHARS,
  parseApprovalFile,
  verifyApprovalRequest,
  type ApprovalRequestInput,
  type ApprovalRequestVerdict,
  type Approver,
  type VerifyApprovalRequestOptions,
} from './approval-request';
export { fromBase64url, toBase64url } from './base64url';
export { Handle, IsoTime, KeyId, PublicKeyText, SignatureText, Sha256Hex, WorkspaceId } from './schemas';
