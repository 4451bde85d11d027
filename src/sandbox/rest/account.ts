// Account, extensions and phone numbers.
import { PLATFORM } from '../hosts.js';
import type { Extension, PhoneNumber } from '../model.js';
import type { ExtensionInfo, ExtensionListInfo, ExtensionServiceFeatureInfo, PresenceInfoResponse, UserPhoneNumberInfo } from '../rc.js';
import { ok, type Handler } from './http.js';
import { checkAccount, extPath, findExtension, isMe, pub } from './ids.js';
import { pageA } from './paging.js';
import { enums, one } from './query.js';

const EXT_TYPES = [
  'User',
  'Department',
  'Announcement',
  'Voicemail',
  'DigitalUser',
  'VirtualUser',
  'FaxUser',
  'PagingOnly',
  'SharedLinesGroup',
  'DelegatedLinesGroup',
  'GroupCallPickup',
  'IvrMenu',
  'ApplicationExtension',
  'ProxyAdmin',
  'RoomConnector',
  'ParkLocation',
  'Limited',
  'Bot',
  'Site',
  'Room',
  'FlexibleUser',
  'TieLine',
  'Unknown',
];
const EXT_STATUS = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'];

/** An extension as the list shows it: the list's definition has no statusInfo (only GET extension/{id} gives it). */
function listed(e: Extension): ExtensionListInfo {
  return {
    uri: e.uri,
    id: e.id,
    extensionNumber: e.extensionNumber,
    contact: e.contact,
    name: e.name,
    type: e.type,
    subType: e.subType,
    status: e.status,
    permissions: e.permissions,
    profileImage: e.profileImage,
    hidden: e.hidden,
    creationTime: e.creationTime,
  };
}

export const getAccount: Handler = (ctx, _req, p) => {
  checkAccount(ctx, p);
  return ok(ctx.state.account);
};

export const listExtensions: Handler = (ctx, req, p) => {
  checkAccount(ctx, p);
  const q = req.query;
  const types = enums(q, 'type', EXT_TYPES);
  const status = enums(q, 'status', EXT_STATUS);
  const number = one(q, 'extensionNumber');
  const emails = (q.email ?? []).map((e) => e.toLowerCase());
  const all = ctx.state.extensions.filter(
    (e) =>
      (!types.length || types.includes(e.type)) &&
      (!status.length || status.includes(e.status)) &&
      (number === undefined || e.extensionNumber === number) &&
      (!emails.length || emails.includes(String(e.contact.email ?? '').toLowerCase())),
  );
  return ok(pageA(req, `/restapi/v1.0/account/${ctx.state.accountId}/extension`, all.map(listed)));
};

export const getExtension: Handler = (ctx, _req, p) => {
  const e = findExtension(ctx, p);
  const acc = ctx.state.account;
  const out: ExtensionInfo = {
    ...pub(e),
    extensionNumbers: [e.extensionNumber],
    account: { uri: acc.uri, id: String(acc.id) },
    setupWizardState: 'Completed',
    regionalSettings: {
      homeCountry: acc.regionalSettings.homeCountry,
      timezone: acc.regionalSettings.timezone,
      language: acc.regionalSettings.language,
      greetingLanguage: acc.regionalSettings.greetingLanguage,
      formattingLocale: acc.regionalSettings.formattingLocale,
      timeFormat: '12h',
    },
  };
  // RingCentral only reports service features on your own extension.
  if (isMe(ctx, e)) {
    const names: ExtensionServiceFeatureInfo['featureName'][] = [
      'SMS',
      'SMSReceiving',
      'Fax',
      'FaxReceiving',
      'VoicemailToText',
      'VideoConferencing',
      'RCTeams',
      'Conferencing',
    ];
    out.serviceFeatures = names.map((featureName) => ({ featureName, enabled: true }));
  }
  return ok(out);
};

export const listPhoneNumbers: Handler = (ctx, req, p) => {
  const e = findExtension(ctx, p);
  const base = `${PLATFORM}${extPath(ctx, e.id)}/phone-number`;
  const country: UserPhoneNumberInfo['country'] = { id: '1', uri: `${PLATFORM}/restapi/v1.0/dictionary/country/1`, name: 'United States' };
  let nums: PhoneNumber[];
  if (isMe(ctx, e)) nums = ctx.state.phoneNumbers;
  else if (e.contact.businessPhone) {
    nums = [
      {
        id: Number(String(e.id).slice(0, 7) + '104'),
        phoneNumber: e.contact.businessPhone,
        usageType: 'DirectNumber',
        type: 'VoiceFax',
        paymentType: 'Local',
        features: ['SmsSender', 'CallerId'],
      },
    ];
  } else nums = [];
  const records = nums.map((n): UserPhoneNumberInfo => ({ uri: `${base}/${n.id}`, ...n, country, status: 'Normal' }));
  return ok(pageA(req, `${extPath(ctx, e.id)}/phone-number`, records));
};

/** The extension's presence: the user is on a call while the sandbox has calls in progress. */
export const getPresence: Handler = (ctx, _req, p) => {
  const e = findExtension(ctx, p);
  const me = isMe(ctx, e);
  const onCall = me && ctx.state.active.length > 0;
  const body: PresenceInfoResponse = {
    uri: `${PLATFORM}${extPath(ctx, e.id)}/presence`,
    extension: { uri: e.uri, id: e.id, extensionNumber: e.extensionNumber },
    presenceStatus: onCall ? 'Busy' : 'Available',
    telephonyStatus: onCall ? 'CallConnected' : 'NoCall',
    userStatus: 'Available',
    dndStatus: 'TakeAllCalls',
    allowSeeMyPresence: true,
    ringOnMonitoredCall: false,
    pickUpCallsOnHold: false,
    meetingStatus: 'Disconnected',
  };
  return ok(body);
};
