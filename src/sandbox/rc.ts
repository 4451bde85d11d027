// RingCentral's own record definitions (from @rc-ex/core, generated from RingCentral's public
// OpenAPI spec), so the compiler refuses fields and enum values RingCentral does not have.
// Type-only imports: nothing of @rc-ex/core is loaded at run time.
export type { default as AccountInfo } from '@rc-ex/core/definitions/GetAccountInfoResponse';
export type { default as ExtensionInfo } from '@rc-ex/core/definitions/GetExtensionInfoResponse';
export type { default as ExtensionServiceFeatureInfo } from '@rc-ex/core/definitions/ExtensionServiceFeatureInfo';
export type { default as UserPhoneNumberInfo } from '@rc-ex/core/definitions/UserPhoneNumberInfo';
export type { default as PersonalContactResource } from '@rc-ex/core/definitions/PersonalContactResource';
export type { default as MessageInfo } from '@rc-ex/core/definitions/GetMessageInfoResponse';
export type { default as MessageAttachmentInfo } from '@rc-ex/core/definitions/MessageAttachmentInfo';
export type { default as CallLogRecord } from '@rc-ex/core/definitions/CallLogRecord';
export type { default as CallLogRecordLegInfo } from '@rc-ex/core/definitions/CallLogRecordLegInfo';
export type { default as CallLogFromParty } from '@rc-ex/core/definitions/CallLogFromParty';
export type { default as PresenceInfoResponse } from '@rc-ex/core/definitions/PresenceInfoResponse';
export type { default as TMChatInfo } from '@rc-ex/core/definitions/TMChatInfo';
export type { default as ApiErrorResponseModel } from '@rc-ex/core/definitions/ApiErrorResponseModel';
