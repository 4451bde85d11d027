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
export type { default as ExtensionListInfo } from '@rc-ex/core/definitions/GetExtensionListInfoResponse';
export type { default as SmsMessageInfo } from '@rc-ex/core/definitions/GetSMSMessageInfoResponse';
export type { default as TMPostInfo } from '@rc-ex/core/definitions/TMPostInfo';
export type { default as TMTeamInfo } from '@rc-ex/core/definitions/TMTeamInfo';
export type { default as TMAttachmentInfo } from '@rc-ex/core/definitions/TMAttachmentInfo';
export type { default as TMMentionsInfo } from '@rc-ex/core/definitions/TMMentionsInfo';
export type { default as TMNavigationInfo } from '@rc-ex/core/definitions/TMNavigationInfo';
export type { default as BridgeResponse } from '@rc-ex/core/definitions/BridgeResponse';
export type { default as BridgePinsWithAliases } from '@rc-ex/core/definitions/BridgePinsWithAliases';
export type { default as BridgeResponseSecurity } from '@rc-ex/core/definitions/BridgeResponseSecurity';
export type { default as BridgeRequestSecurity } from '@rc-ex/core/definitions/BridgeRequestSecurity';
export type { default as BridgePreferences } from '@rc-ex/core/definitions/BridgePreferences';
export type { default as BridgeJoinPreferences } from '@rc-ex/core/definitions/BridgeJoinPreferences';
export type { default as VideoMeeting } from '@rc-ex/core/definitions/Meeting';
export type { default as BasicPaging } from '@rc-ex/core/definitions/BasicPaging';
export type { default as SearchDirectoryEntriesRequest } from '@rc-ex/core/definitions/SearchDirectoryEntriesRequest';
export type { default as DirectoryResource } from '@rc-ex/core/definitions/DirectoryResource';
export type { default as ContactResource } from '@rc-ex/core/definitions/ContactResource';
export type { default as AdgPhoneNumberResource } from '@rc-ex/core/definitions/AdgPhoneNumberResource';
export type { default as TMConversationInfo } from '@rc-ex/core/definitions/TMConversationInfo';
